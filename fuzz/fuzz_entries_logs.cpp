// Entries for creditlens_logs: trainer_state.json and the four streamed log formats.
#include "fuzz/fuzz_entries.h"

#include "core/logs/log_reader.h"
#include "core/logs/run_builder.h"
#include "core/logs/stream_parser.h"
#include "core/logs/trainer_state_reader.h"

#include <string_view>

namespace cl::fuzz {

namespace {

// Feeds the input as the live reload does: the first half (not final), then the unconsumed
// rest with the remainder (final), so the resumption bookkeeping is fuzzed too.
void stream(logs::Format format, const uint8_t* data, size_t size) {
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    logs::LogRun run;
    run.format = format;
    {
        auto parser = logs::makeStreamParser(format, "train_loss");
        logs::RunBuilder builder(run);
        const size_t half = size / 2;
        size_t consumed = parser->feed(all.substr(0, half), false, builder);
        if (consumed > half) {
            __builtin_trap(); // a parser may not consume bytes it was not given
        }
        consumed += parser->feed(all.substr(consumed), true, builder);
        if (consumed > size) {
            __builtin_trap();
        }
    }
    logs::attachEpochs(run);
    (void)run.pointCount();
}

} // namespace

void trainerState(const uint8_t* data, size_t size) {
    logs::LogRun run;
    run.format = logs::Format::TrainerState;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (logs::parseTrainerState(text, "trainer_state.json", run).ok()) {
        logs::attachEpochs(run);
        (void)run.pointCount();
    }
}

void jsonlLog(const uint8_t* data, size_t size) { stream(logs::Format::Jsonl, data, size); }
void csvLog(const uint8_t* data, size_t size) { stream(logs::Format::Csv, data, size); }
void dpoStdout(const uint8_t* data, size_t size) { stream(logs::Format::DpoStdout, data, size); }
void tensorboard(const uint8_t* data, size_t size) {
    stream(logs::Format::TensorBoard, data, size);
}

} // namespace cl::fuzz
