#pragma once
// Cancel for blocking HTTP calls (issue #16): cpp-httplib's calls have no flag of their own to
// poll, but a client can be stopped from another thread. While a FlagWatch lives it polls the
// caller's flag and calls `stop` once when the flag is set. No thread without a flag.

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace cl::server {

class FlagWatch {
public:
    FlagWatch(const std::atomic<bool>* flag, std::function<void()> stop) {
        if (!flag) {
            return;
        }
        m_watch = std::thread([this, flag, stop = std::move(stop)] {
            while (!m_done.load()) {
                if (flag->load()) {
                    stop();
                    return;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
    }
    ~FlagWatch() {
        m_done.store(true);
        if (m_watch.joinable()) {
            m_watch.join();
        }
    }
    FlagWatch(const FlagWatch&) = delete;
    FlagWatch& operator=(const FlagWatch&) = delete;

private:
    std::atomic<bool> m_done{false};
    std::thread m_watch;
};

} // namespace cl::server
