#pragma once
// A job that holds the engine thread until the test releases it, so a test can make the engine
// "busy for as long as it takes" without a time window: events, not durations, decide. The
// destructor releases it too, so a failed check never leaves the engine thread blocked.

#include "ui/engine/engine_client.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace cl::test {

class HeldJob {
public:
    explicit HeldJob(cl::EngineClient& engine) {
        engine.runJob([flag = m_release](cl::PairScorer*) {
            while (!flag->load()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        });
    }
    ~HeldJob() { release(); }
    HeldJob(const HeldJob&) = delete;
    HeldJob& operator=(const HeldJob&) = delete;

    void release() { *m_release = true; }

private:
    std::shared_ptr<std::atomic<bool>> m_release = std::make_shared<std::atomic<bool>>(false);
};

} // namespace cl::test
