#pragma once
// Trains the demo's sentencepiece BPE model by running `spm_train` (Debian package
// sentencepiece) in a child process: nothing in a torch process may link libsentencepiece
// (DESIGN.md platform fact 2). Torch-free.

#include "core/common/result.h"

#include <string>
#include <vector>

namespace cl::demo {

struct TokenizerTraining {
    int vocabSize = 1024;
    unsigned seed = 1;
    std::string spmTrain = "spm_train"; ///< program name or path ($PATH is searched)
};

/// Writes `lines` (newlines inside a line split it) to workDir/corpus.txt and trains a BPE
/// model with byte fallback, split digits and full character coverage; unk/bos/eos = 0/1/2.
/// Returns the path of the .model file (workDir/tokenizer.model). spm_train's own log goes to
/// workDir/spm_train.log. Errors: spm_train missing or failing (the log's last line is quoted).
Result<std::string> trainSentencePiece(const std::vector<std::string>& lines,
                                       const std::string& workDir,
                                       const TokenizerTraining& options = {});

/// Copies the .model into `folder` as tokenizer.model and writes tokenizer_config.json
/// (add_bos_token/add_eos_token false, bos "<s>", eos "</s>", unk "<unk>").
Status installTokenizer(const std::string& modelPath, const std::string& folder);

} // namespace cl::demo
