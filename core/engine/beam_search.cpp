// Port of transformers 4.40 generation/beam_search.py (BeamSearchScorer, BeamHypotheses) and
// GenerationMixin._beam_search / _greedy_search, with beams as rows of one batched KV cache.
#include "core/engine/beam_search.h"

#include "core/engine/beam_trace.h"

#include "core/engine/causal_lm.h"
#include "core/engine/model.h"
#include "core/engine/torch_device.h"
#include "core/text/tokenizer.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <tuple>

namespace cl {

namespace {

struct Hypothesis {
    double score;
    std::vector<int32_t> ids; // generated ids
    std::vector<double> logprobs;
    bool finished;
    int traceStep = -1; // where its last token lies in BeamOptions::trace (when recorded)
    int traceNode = -1;
};

/// BeamHypotheses: keeps the `width` best finished hypotheses.
class FinishedPool {
public:
    FinishedPool(int width, double lengthPenalty, EarlyStopping mode, int maxNew)
        : m_width(width), m_lp(lengthPenalty), m_mode(mode), m_maxNew(maxNew) {}

    void add(Hypothesis h, double sumLogprob, int generatedLen) {
        h.score = sumLogprob / std::pow(static_cast<double>(generatedLen), m_lp);
        if (static_cast<int>(m_beams.size()) < m_width || h.score > m_worst) {
            m_beams.push_back(std::move(h));
            if (static_cast<int>(m_beams.size()) > m_width) {
                auto worst = std::min_element(m_beams.begin(), m_beams.end(),
                                              [](auto& a, auto& b) { return a.score < b.score; });
                m_beams.erase(worst);
                m_worst = std::min_element(m_beams.begin(), m_beams.end(), [](auto& a, auto& b) {
                              return a.score < b.score;
                          })->score;
            } else {
                m_worst = std::min(m_worst, m_beams.back().score);
            }
        }
    }

    /// BeamHypotheses.is_done with cur_len - prompt_len = generatedLen.
    bool done(double bestSumLogprob, int generatedLen) const {
        if (static_cast<int>(m_beams.size()) < m_width) {
            return false;
        }
        if (m_mode == EarlyStopping::True) {
            return true;
        }
        int denom = generatedLen;
        if (m_mode == EarlyStopping::Never && m_lp > 0.0) {
            denom = m_maxNew;
        }
        return m_worst >= bestSumLogprob / std::pow(static_cast<double>(denom), m_lp);
    }

    std::vector<Hypothesis>& beams() { return m_beams; }

private:
    int m_width;
    double m_lp;
    EarlyStopping m_mode;
    int m_maxNew;
    double m_worst = 1e9;
    std::vector<Hypothesis> m_beams;
};

/// NoRepeatNGramLogitsProcessor: tokens that would repeat an n-gram of `seq` (prompt included).
std::set<int32_t> bannedByNgram(const std::vector<int32_t>& seq, int n) {
    std::set<int32_t> banned;
    const int len = static_cast<int>(seq.size());
    if (n <= 0 || len + 1 < n) {
        return banned;
    }
    for (int i = 0; i + n <= len; ++i) {
        if (std::equal(seq.begin() + i, seq.begin() + i + n - 1, seq.end() - (n - 1))) {
            banned.insert(seq[i + n - 1]);
        }
    }
    return banned;
}

/// Trace of a greedy step: the argmax first (Kept, or Finished when it ends the text), then the
/// next best tokens up to `count` as Pruned. lp: [1, V] float32 on the CPU.
void recordGreedyStep(BeamTrace& trace, const at::Tensor& lp, int32_t chosen, float runningScore,
                      bool terminal, int64_t count, int parentNode) {
    const float* row = lp.data_ptr<float>();
    const float before = runningScore - row[chosen];
    BeamTraceStep st;
    auto add = [&](int32_t tok, BeamNodeFate fate, float score) {
        BeamTraceNode n;
        n.parent = parentNode;
        n.parentSlot = 0;
        n.rank = static_cast<int>(st.nodes.size());
        n.token = tok;
        n.fate = fate;
        n.logpPolicy = row[tok];
        n.beamScore = score;
        st.nodes.push_back(std::move(n));
    };
    add(chosen, terminal ? BeamNodeFate::Finished : BeamNodeFate::Kept, runningScore);
    if (!terminal) {
        st.beamRows = {0};
    }
    const at::Tensor top = std::get<1>(lp[0].topk(std::min<int64_t>(count + 1, lp.size(1))));
    const int64_t* ti = top.data_ptr<int64_t>();
    for (int64_t i = 0; i < top.size(0) && static_cast<int64_t>(st.nodes.size()) < count; ++i) {
        if (ti[i] != chosen) {
            add(static_cast<int32_t>(ti[i]), BeamNodeFate::Pruned, before + row[ti[i]]);
        }
    }
    trace.steps.push_back(std::move(st));
}

/// Trace of a beam step: the first `considered` candidates in rank order (node index = rank);
/// kept and finished ranks as the scan decided, the rest Pruned. Rows the search pads with a
/// never-winning score repeat the first kept candidate. lp: [W, V]; top*: [>= considered].
void recordBeamStep(BeamTrace& trace, const at::Tensor& lp, const at::Tensor& topScores,
                    const at::Tensor& topIdx, int64_t considered,
                    const std::vector<int64_t>& keptRank, const std::vector<int>& finishedRank,
                    const std::vector<int>& parentNodes, int width) {
    const float* lpData = lp.data_ptr<float>();
    const int64_t vocab = lp.size(1);
    const float* ts = topScores.data_ptr<float>();
    const int64_t* ti = topIdx.data_ptr<int64_t>();
    BeamTraceStep st;
    st.nodes.reserve(static_cast<size_t>(considered) + width);
    for (int64_t rank = 0; rank < considered; ++rank) {
        BeamTraceNode n;
        n.parentSlot = static_cast<int>(ti[rank] / vocab);
        n.parent = parentNodes[n.parentSlot];
        n.rank = static_cast<int>(rank);
        n.token = static_cast<int32_t>(ti[rank] % vocab);
        n.logpPolicy = lpData[ti[rank]];
        n.beamScore = ts[rank];
        st.nodes.push_back(std::move(n));
    }
    for (int r : finishedRank) {
        st.nodes[r].fate = BeamNodeFate::Finished;
    }
    for (int64_t r : keptRank) {
        st.nodes[r].fate = BeamNodeFate::Kept;
        st.beamRows.push_back(static_cast<int>(r));
    }
    while (!keptRank.empty() && static_cast<int>(st.beamRows.size()) < width) {
        BeamTraceNode pad = st.nodes[keptRank.front()];
        pad.rank = static_cast<int>(st.nodes.size());
        pad.beamScore = -1e9;
        st.beamRows.push_back(static_cast<int>(st.nodes.size()));
        st.nodes.push_back(std::move(pad));
    }
    trace.steps.push_back(std::move(st));
}

} // namespace


Result<std::vector<Beam>> beamSearch(Model& model, const std::vector<int32_t>& prompt,
                                     const BeamOptions& o, const Tokenizer* tokenizer,
                                     const ProgressFn& progress, const std::atomic<bool>* cancel) {
    if (o.width < 1 || o.width > 32) {
        return Error{"beam width must be between 1 and 32, got " + std::to_string(o.width)};
    }
    if (o.numReturn < 1 || o.numReturn > o.width) {
        return Error{"--num-return " + std::to_string(o.numReturn) +
                     " must be between 1 and the beam width " + std::to_string(o.width)};
    }
    if (o.maxNewTokens < 1) {
        return Error{"max new tokens must be at least 1"};
    }
    if (prompt.empty()) {
        return Error{"the prompt has no tokens; beam search needs at least one"};
    }
    if (!o.stopString.empty() && !tokenizer) {
        return Error{"a stop string needs the model's tokenizer"};
    }
    const CausalLm& lm = model.lm();
    const int64_t vocab = lm.config().vocabSize;
    if (static_cast<int64_t>(prompt.size()) + o.maxNewTokens > lm.config().maxPositions) {
        return Error{"prompt (" + std::to_string(prompt.size()) + " tokens) plus " +
                     std::to_string(o.maxNewTokens) + " new tokens exceed the model's context of " +
                     std::to_string(lm.config().maxPositions)};
    }
    // Any id of the list ends a hypothesis (HF 4.40: `next_token in eos_token_id`); the id that
    // really ended it is kept (HF's rows write eos_token_id[0] instead).
    std::vector<int32_t> eosList = o.eosIds;
    if (eosList.empty()) {
        eosList = o.eosId ? std::vector<int32_t>{*o.eosId} : model.info().eosIds;
    }
    if (eosList.empty() && model.info().eosId) {
        eosList = {*model.info().eosId};
    }
    auto isEos = [&](int64_t tok) {
        return std::find(eosList.begin(), eosList.end(), tok) != eosList.end();
    };
    const int W = o.width;
    BeamTrace* trace = o.trace;
    if (trace) {
        trace->clear();
        trace->width = W;
    }
    // HF 4.40: top max(2, 1 + n_eos)·W candidates per step.
    const int64_t baseCandidates = std::min<int64_t>(
        static_cast<int64_t>(W) * vocab, std::max<int64_t>(2, 1 + int64_t(eosList.size())) * W);
    try {
        c10::InferenceMode guard;
        KvCache cache = lm.makeCache();
        at::Tensor last = lm.forwardSharedPrompt(prompt, W, cache, cancel); // [W, H]
        std::vector<std::vector<int32_t>> gen(W);
        std::vector<std::vector<double>> genLp(W);
        std::vector<float> beamScores(W, -1e9f);
        beamScores[0] = 0.0f; // only beam 0 is live at step 1
        FinishedPool pool(W, o.lengthPenalty, o.earlyStopping, o.maxNewTokens);
        std::vector<int> beamNode(W, -1); // trace: node of each beam row at the last step
        bool done = false;
        int step = 0;
        for (; step < o.maxNewTokens && !done; ++step) {
            if ((cancel && cancel->load()) ||
                !report(progress, "beam search", step, o.maxNewTokens)) {
                return Error{kCancelledMessage};
            }
            at::Tensor lp = lm.logSoftmax(last).cpu().contiguous(); // [W, V] float32
            // Logits processors act on the log-probs (HF: logits_processor(input_ids, scores)).
            for (int b = 0; b < W; ++b) {
                float* row = lp[b].data_ptr<float>();
                if (step < o.minNewTokens) {
                    for (int32_t e : eosList) {
                        if (e >= 0 && e < vocab) {
                            row[e] = -std::numeric_limits<float>::infinity();
                        }
                    }
                }
                if (o.noRepeatNgram > 0) {
                    std::vector<int32_t> seq = prompt;
                    seq.insert(seq.end(), gen[b].begin(), gen[b].end());
                    for (int32_t t : bannedByNgram(seq, o.noRepeatNgram)) {
                        row[t] = -std::numeric_limits<float>::infinity();
                    }
                }
            }
            std::vector<int64_t> nextBeam;
            std::vector<int32_t> nextToken;
            std::vector<float> nextScore;
            if (W == 1) {
                // Greedy: argmax (first index on ties), stop right after EOS.
                const int64_t tok = lp[0].argmax().item<int64_t>();
                const float l = lp[0][tok].item<float>();
                gen[0].push_back(static_cast<int32_t>(tok));
                genLp[0].push_back(l);
                beamScores[0] += l;
                bool terminal = isEos(tok);
                if (!terminal && !o.stopString.empty()) {
                    terminal = tokenizer->decode(gen[0]).find(o.stopString) != std::string::npos;
                }
                if (trace) {
                    recordGreedyStep(*trace, lp, static_cast<int32_t>(tok), beamScores[0], terminal,
                                     baseCandidates, beamNode[0]);
                    beamNode[0] = 0;
                }
                if (terminal) {
                    pool.add({0, gen[0], genLp[0], true, step, 0}, beamScores[0],
                             static_cast<int>(gen[0].size()));
                    done = true;
                    break;
                }
                nextBeam = {0};
                nextToken = {static_cast<int32_t>(tok)};
            } else {
                at::Tensor scores = lp + at::tensor(beamScores).unsqueeze(1); // [W, V]
                // HF 4.40: top max(2, 1 + n_eos)·W candidates, so that W non-EOS ones remain
                // even when every EOS id of every beam ranks high. A stop string can end far
                // more candidates than that (issue #18: fewer than W beams were left and the
                // step read past them), so the scan widens until W open candidates are found.
                const int64_t total = static_cast<int64_t>(W) * vocab;
                int64_t candidates = baseCandidates;
                std::vector<std::pair<Hypothesis, float>> finished;
                at::Tensor topScores;
                at::Tensor topIdx;
                std::vector<int64_t> keptRank; // trace only
                int64_t scanned = 0;
                for (;;) {
                    nextBeam.clear();
                    nextToken.clear();
                    nextScore.clear();
                    finished.clear();
                    keptRank.clear();
                    std::tie(topScores, topIdx) = scores.view({-1}).topk(candidates, 0, true, true);
                    const float* ts = topScores.data_ptr<float>();
                    const int64_t* ti = topIdx.data_ptr<int64_t>();
                    int64_t rank = 0;
                    for (; rank < candidates && static_cast<int>(nextBeam.size()) < W; ++rank) {
                        const int64_t beam = ti[rank] / vocab;
                        const int32_t tok = static_cast<int32_t>(ti[rank] % vocab);
                        bool terminal = isEos(tok);
                        if (!terminal && !o.stopString.empty()) {
                            std::vector<int32_t> ids = gen[beam];
                            ids.push_back(tok);
                            terminal =
                                tokenizer->decode(ids).find(o.stopString) != std::string::npos;
                        }
                        if (terminal) {
                            if (rank >= W) {
                                continue; // an EOS outside the top W is ignored
                            }
                            Hypothesis hyp{0,    gen[beam], genLp[beam],
                                           true, step,      static_cast<int>(rank)};
                            hyp.ids.push_back(tok);
                            hyp.logprobs.push_back(lp[beam][tok].item<float>());
                            finished.emplace_back(std::move(hyp), ts[rank]);
                            continue;
                        }
                        nextBeam.push_back(beam);
                        nextToken.push_back(tok);
                        nextScore.push_back(ts[rank]);
                        if (trace) {
                            keptRank.push_back(rank);
                        }
                    }
                    scanned = rank;
                    if (static_cast<int>(nextBeam.size()) == W || candidates == total) {
                        break;
                    }
                    candidates = std::min<int64_t>(total, candidates * 8);
                }
                if (trace) {
                    std::vector<int> finishedRank;
                    for (const auto& f : finished) {
                        finishedRank.push_back(f.first.traceNode);
                    }
                    recordBeamStep(*trace, lp, topScores, topIdx, std::max(baseCandidates, scanned),
                                   keptRank, finishedRank, beamNode, W);
                    beamNode = trace->steps.back().beamRows;
                }
                for (auto& [hyp, score] : finished) {
                    pool.add(std::move(hyp), score, step + 1);
                }
                const float* ts = topScores.data_ptr<float>();
                if (nextBeam.empty()) {
                    done = true; // every continuation of every beam ended
                    ++step;
                    break;
                }
                // Still short (a tiny vocabulary): the missing rows repeat the first open
                // candidate with a score that never wins, as the dead beams of step 1.
                while (static_cast<int>(nextBeam.size()) < W) {
                    nextBeam.push_back(nextBeam.front());
                    nextToken.push_back(nextToken.front());
                    nextScore.push_back(-1e9f);
                }
                done = pool.done(ts[0], step + 1);
                std::vector<std::vector<int32_t>> g(W);
                std::vector<std::vector<double>> gl(W);
                for (int b = 0; b < W; ++b) {
                    g[b] = gen[nextBeam[b]];
                    g[b].push_back(nextToken[b]);
                    gl[b] = genLp[nextBeam[b]];
                    gl[b].push_back(lp[nextBeam[b]][nextToken[b]].item<float>());
                    beamScores[b] = nextScore[b];
                }
                gen = std::move(g);
                genLp = std::move(gl);
            }
            if (done || step + 1 == o.maxNewTokens) {
                ++step;
                break;
            }
            // Reorder the cache rows by beam origin, then feed each beam's new token.
            if (W > 1) {
                cache.reorder(at::tensor(nextBeam, at::kLong).to(lm.device()));
            }
            std::vector<int64_t> tok64(nextToken.begin(), nextToken.end());
            at::Tensor hs = lm.forward(at::tensor(tok64, at::kLong).view({-1, 1}), &cache, cancel);
            last = hs.select(1, 0); // [W, H]
        }
        // finalize(): open beams join the pool scored by their generated length, unless the
        // stopping heuristic ended the search (HF skips batches already done).
        if (!done) {
            for (int b = 0; b < W; ++b) {
                pool.add({0, gen[b], genLp[b], false,
                          trace ? static_cast<int>(trace->steps.size()) - 1 : -1, beamNode[b]},
                         beamScores[b], static_cast<int>(gen[b].size()));
            }
        }
        auto& beams = pool.beams();
        std::stable_sort(beams.begin(), beams.end(),
                         [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
        std::vector<Beam> out;
        for (int i = 0; i < o.numReturn && i < static_cast<int>(beams.size()); ++i) {
            Beam b;
            b.ids = beams[i].ids;
            b.logprobs = beams[i].logprobs;
            b.sumLogprob = 0;
            for (double l : b.logprobs) {
                b.sumLogprob += l;
            }
            b.score = beams[i].score;
            b.finished = beams[i].finished;
            if (trace) {
                trace->finals.push_back({beams[i].traceStep, beams[i].traceNode});
            }
            out.push_back(std::move(b));
        }
        report(progress, "beam search", o.maxNewTokens, o.maxNewTokens);
        return out;
    } catch (const CausalLm::Cancelled&) {
        return Error{kCancelledMessage};
    } catch (const std::exception& e) {
        return Error{describeTorchError(e)};
    }
}

} // namespace cl
