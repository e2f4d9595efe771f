#pragma once
// Synthetic "forum post -> TL;DR" preference pairs for the embedded demo (issue #9). Each post
// carries checkable facts (ages, salaries, prices, durations, counts, job titles, cities,
// objects, names); the chosen summary states them correctly, the rejected one changes one or two
// of them (another number, a higher title, another place, ...) as in Figure 1 of Rafailov et al.
// "From r to Q*", and nothing else. Torch-free.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cl::demo {

/// One preference pair in the TL;DR layout of the DPO reference code (REFERENCE.md §5).
struct DemoPair {
    std::string post;     ///< the post alone ("SUBREDDIT: ...\nTITLE: ...\nPOST: ..."), base LM text
    std::string prompt;   ///< post + "\nTL;DR:" (what the tldr template expects)
    /// The author's own fact-free TL;DR line for about half the posts, else empty. Base LM text
    /// only ("TL;DR:" then a short line then the end, as in the web text GPT-2 learned it from).
    std::string authorTldr;
    /// An "EDIT: ..." line restating facts of the post for about half the posts, else empty.
    /// Base LM text only, read after the post.
    std::string authorEdit;
    std::string chosen;   ///< correct summary, no leading space
    std::string rejected; ///< the same summary with one or two facts changed
    /// Byte ranges [begin, end) of the changed facts in `rejected`, in order, non-overlapping.
    std::vector<std::pair<int64_t, int64_t>> rejectedErrorSpans;
    /// What kind of fact each span changed ("age", "salary", "city", "title", ...).
    std::vector<std::string> errorKinds;
};

struct DemoData {
    std::vector<DemoPair> train;
    std::vector<DemoPair> heldOut;
};

/// Generates trainCount + heldOutCount pairs from `seed` (std::mt19937_64; the same seed gives
/// the same bytes on every platform, since only integer draws are used). Held-out pairs come
/// from the same distribution but their posts are never in the training split.
DemoData generateDemoData(uint64_t seed, int trainCount, int heldOutCount);

/// One JSONL line: {"prompt","chosen","rejected","rejected_error_spans":[[b0,b1],...]}.
std::string pairToJsonLine(const DemoPair& pair);

} // namespace cl::demo
