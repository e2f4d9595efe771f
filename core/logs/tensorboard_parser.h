#pragma once
// TensorBoard event files (events.out.tfevents.*): TFRecord frames
//   uint64 length | uint32 masked crc32c(length) | data[length] | uint32 masked crc32c(data)
// holding tensorflow.Event protobufs (tensorflow/core/util/event.proto):
//   Event { double wall_time = 1; int64 step = 2; Summary summary = 5; ... }
//   Summary { repeated Value value = 1; }
//   Value { string tag = 1; float simple_value = 2; TensorProto tensor = 8;
//           SummaryMetadata metadata = 9; }  (metadata.plugin_data(1).plugin_name(1))
// Scalars come as simple_value (TF1, tensorboardX, HF's callback) or as one-element numeric
// tensors (TF2 / torch.utils.tensorboard new style); other plugins are ignored.

#include "core/logs/stream_parser.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace cl::logs {

class TensorBoardParser : public StreamParser {
public:
    /// Records longer than this (64 MiB; scalar events are bytes, images megabytes) are skipped
    /// with a warning as their bytes arrive, never buffered whole.
    static constexpr uint64_t kMaxRecordBytes = uint64_t(64) << 20;

    /// A record whose data CRC fails is skipped with a warning (its number and byte offset);
    /// a length CRC failure ends the file (frames cannot be found past it); a record cut off at
    /// the end is reported when final, else left for the next feed.
    std::size_t feed(std::string_view data, bool final, RunBuilder& out) override;

private:
    void parseEvent(std::string_view event, RunBuilder& out);
    bool parseValue(std::string_view value, std::string& tag, double& out, RunBuilder& builder);

    int64_t m_record = 0;
    uint64_t m_offset = 0; // of the next unconsumed byte in the file
    bool m_broken = false;
    uint64_t m_skipRemaining = 0; // bytes of an over-long record still to drop
    std::unordered_map<std::string, bool> m_tagIsScalar; // TF2 writes metadata once per tag
    std::unordered_set<std::string> m_warnedTags;        // scalars we could not read, warned
};

} // namespace cl::logs
