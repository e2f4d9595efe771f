#include "core/server/server_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace cl::server {

namespace {

std::vector<std::string> splitCommas(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (!item.empty()) {
            out.push_back(item);
        }
    }
    return out;
}

struct Job {
    int64_t index = 0;   ///< position among the lines to do (output order)
    int64_t line = 0;    ///< 1-based line number
    int tries = 0;
    int lastWorker = -1; ///< where it last failed; another worker takes it first
};

/// The shared state of one run: the job queue, the finished outcomes waiting for their turn.
class Pool {
public:
    Pool(std::vector<Job> jobs, int workers, const std::function<void(const LineOutcome&)>& onLine,
         const ProgressFn& progress)
        : m_queue(jobs.begin(), jobs.end()), m_total(static_cast<int64_t>(jobs.size())),
          m_workers(workers), m_onLine(onLine), m_progress(progress) {}

    /// The next job for `worker`, preferring one that did not just fail there; false when none
    /// is left (or the run was cancelled).
    bool take(int worker, Job& job) {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [&] { return m_queue.empty() ? m_pending == 0 || m_cancelled : true; });
        if (m_queue.empty() || m_cancelled) {
            return false;
        }
        auto it = m_queue.begin();
        if (m_workers > 1) {
            for (auto j = m_queue.begin(); j != m_queue.end(); ++j) {
                if (j->lastWorker != worker) {
                    it = j;
                    break;
                }
            }
        }
        job = *it;
        m_queue.erase(it);
        ++m_pending;
        return true;
    }

    /// At the front: the line is tried again before new ones start, so a dead pool is noticed
    /// after one line's tries, not after a round of backoffs for every line.
    void retry(Job job) {
        std::lock_guard lock(m_mutex);
        --m_pending;
        m_queue.push_front(job);
        m_wake.notify_all();
    }

    /// A job's outcome; emits every outcome whose turn has come, in order.
    void finish(int64_t index, LineOutcome outcome) {
        std::lock_guard lock(m_mutex);
        --m_pending;
        m_done[index] = std::move(outcome);
        for (auto it = m_done.find(m_next); it != m_done.end(); it = m_done.find(m_next)) {
            if (m_onLine) {
                m_onLine(it->second);
            }
            m_outcomes.push_back(std::move(it->second));
            m_done.erase(it);
            ++m_next;
        }
        if (!report(m_progress, "scoring on servers", m_next, m_total)) {
            m_cancelled = true;
        }
        m_wake.notify_all();
    }

    bool cancelled() {
        std::lock_guard lock(m_mutex);
        return m_cancelled;
    }

    /// A line failed at the servers `attempts` times: they are down. Nothing more starts; what
    /// is done stays written, the rest is left for --resume.
    void abandon(const std::string& why) {
        std::lock_guard lock(m_mutex);
        m_cancelled = true;
        m_abandoned = why;
        m_wake.notify_all();
    }
    std::string abandoned() {
        std::lock_guard lock(m_mutex);
        return m_abandoned;
    }
    std::vector<LineOutcome>& outcomes() { return m_outcomes; }

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_queue;
    std::map<int64_t, LineOutcome> m_done;
    std::vector<LineOutcome> m_outcomes;
    int64_t m_total = 0, m_next = 0, m_pending = 0;
    int m_workers = 0;
    bool m_cancelled = false;
    std::string m_abandoned;
    const std::function<void(const LineOutcome&)>& m_onLine;
    const ProgressFn& m_progress;
};

} // namespace

Result<std::vector<std::pair<std::string, std::string>>> serverPairs(const std::string& policies,
                                                                      const std::string& references) {
    const auto p = splitCommas(policies), r = splitCommas(references);
    if (p.empty() || r.empty() || (r.size() != 1 && r.size() != p.size())) {
        return Error{"give as many reference URLs as policy URLs (" + std::to_string(p.size()) +
                     " and " + std::to_string(r.size()) + "), or one reference URL for all"};
    }
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t i = 0; i < p.size(); ++i) {
        out.emplace_back(p[i], r.size() == 1 ? r[0] : r[i]);
    }
    return out;
}

Result<BatchSummary> scoreOnServers(const std::string& path, const ScoreRequest& defaults,
                                    const PoolOptions& options,
                                    const std::function<void(const LineOutcome&)>& onLine,
                                    const ProgressFn& progress) {
    auto lines = readLines(path);
    if (!lines) {
        return Error{lines.error()};
    }
    std::vector<std::unique_ptr<RemoteScorer>> scorers;
    std::string refused;
    BatchTally tally;
    for (const auto& [policy, reference] : options.servers) {
        auto s = RemoteScorer::connect(policy, reference, options.remote);
        if (!s) {
            refused += (refused.empty() ? "" : "; ") + s.error();
            tally.warn({0, "left out of the pool: " + s.error()});
            continue;
        }
        s.value()->setBeta(options.beta);
        scorers.push_back(std::move(s.value()));
    }
    if (scorers.empty()) {
        return Error{refused};
    }
    std::vector<Job> jobs;
    for (size_t i = 0; i < lines->size(); ++i) {
        const auto line = static_cast<int64_t>(i + 1);
        if (!isBlank((*lines)[i]) && !options.skipLines.count(line)) {
            jobs.push_back({static_cast<int64_t>(jobs.size()), line});
        }
    }
    Pool pool(jobs, static_cast<int>(scorers.size()), onLine, progress);
    auto work = [&](int worker) {
        RemoteScorer& scorer = *scorers[static_cast<size_t>(worker)];
        for (Job job; pool.take(worker, job);) {
            ++job.tries;
            auto scored = scoreJsonLine(scorer, (*lines)[static_cast<size_t>(job.line - 1)],
                                        job.line, defaults);
            if (scored) {
                pool.finish(job.index, {job.line, std::move(scored.value()), {}});
                continue;
            }
            if (!scorer.lastFailureTransient()) {
                pool.finish(job.index, {job.line, std::nullopt, scored.error()});
                continue;
            }
            if (job.tries >= options.attempts) {
                pool.finish(job.index, {job.line, std::nullopt, scored.error()});
                pool.abandon(scored.error());
                break;
            }
            // The server failed: wait, then let another worker (or this one) try again.
            job.lastWorker = worker;
            std::this_thread::sleep_for(std::chrono::milliseconds(
                options.backoffMs * (int64_t(1) << (2 * (job.tries - 1)))));
            pool.retry(job);
        }
    };
    std::vector<std::thread> threads;
    for (int w = 0; w < static_cast<int>(scorers.size()); ++w) {
        threads.emplace_back(work, w);
    }
    for (std::thread& t : threads) {
        t.join();
    }
    if (const std::string why = pool.abandoned(); !why.empty()) {
        return Error{"the servers stopped answering (" + why + "); the lines scored so far are "
                     "written, and --resume scores the others"};
    }
    if (pool.cancelled()) {
        return Error{kCancelledMessage};
    }
    for (const LineOutcome& o : pool.outcomes()) {
        if (o.scored) {
            tally.add(*o.scored);
        } else {
            tally.warn({o.line, path + ":" + std::to_string(o.line) + ": " + o.error});
        }
    }
    return tally.finish();
}

} // namespace cl::server
