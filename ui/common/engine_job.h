#pragma once
// How the beam panels reach the loaded models without owning them. The models live on the
// host's engine thread (EngineWorker); a panel hands the host an EngineJob, and the host runs it
// there, queued behind the work already waiting, so a beam search never overlaps the editor's
// scoring and never runs on the GUI thread. Std types only.

#include <functional>

namespace cl {

class PairScorer;

/// Work for the engine thread. Called there with the loaded pair, or with nullptr when no pair
/// is loaded. It must not keep the pointer after it returns. It reports back to the GUI thread
/// by itself (see EngineTask) and catches its own exceptions.
using EngineJob = std::function<void(PairScorer* scorer)>;

/// The host's way to run an EngineJob on the engine thread, after the work already queued
/// there. Called on the GUI thread; must return at once (post, never run inline or block).
using EngineRunner = std::function<void(EngineJob job)>;

} // namespace cl
