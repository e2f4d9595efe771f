#include "core/demo/demo_tokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace cl::demo {

namespace fs = std::filesystem;

namespace {

std::string lastLine(const std::string& path) {
    std::ifstream in(path);
    std::string line, last;
    while (std::getline(in, line)) {
        if (!line.empty()) {
            last = line;
        }
    }
    return last;
}

} // namespace

Result<std::string> trainSentencePiece(const std::vector<std::string>& lines,
                                       const std::string& workDir,
                                       const TokenizerTraining& options) {
    std::error_code ec;
    fs::create_directories(workDir, ec);
    // spm_train runs inside workDir with these relative names: the model records them, and the
    // shipped file should not depend on, nor reveal, where it was built.
    const std::string corpusName = "corpus.txt", prefixName = "tokenizer";
    const std::string corpus = workDir + "/" + corpusName;
    {
        std::ofstream out(corpus, std::ios::binary);
        for (const std::string& l : lines) {
            out << l << "\n";
        }
        if (!out) {
            return Error{"cannot write the tokenizer corpus " + corpus};
        }
    }
    const std::string prefix = workDir + "/" + prefixName;
    const std::string log = workDir + "/spm_train.log";
    // One thread and no sampling of the input: the same corpus gives the same model.
    const std::string program = options.spmTrain.find('/') == std::string::npos
                                    ? options.spmTrain
                                    : fs::absolute(options.spmTrain).string();
    std::vector<std::string> args = {
        program, "--input=" + corpusName, "--model_prefix=" + prefixName,
        "--vocab_size=" + std::to_string(options.vocabSize), "--model_type=bpe",
        "--byte_fallback=true", "--character_coverage=1.0", "--split_digits=true",
        "--num_threads=1", "--unk_id=0", "--bos_id=1", "--eos_id=2", "--pad_id=-1",
        "--input_sentence_size=0", "--hard_vocab_limit=false", "--max_sentence_length=8192",
        "--random_seed=" + std::to_string(options.seed)};
    std::vector<char*> argv;
    for (std::string& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
        return Error{"cannot start spm_train (fork failed)"};
    }
    if (pid == 0) {
        FILE* f = std::fopen(log.c_str(), "w");
        if (f) {
            dup2(fileno(f), STDOUT_FILENO);
            dup2(fileno(f), STDERR_FILENO);
        }
        if (chdir(workDir.c_str()) != 0) {
            _exit(126);
        }
        execvp(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
        return Error{"cannot run " + options.spmTrain +
                     " (install the Debian package sentencepiece)"};
    }
    if (WEXITSTATUS(status) != 0 || !fs::exists(prefix + ".model")) {
        return Error{options.spmTrain + " failed: " + lastLine(log) + " (log: " + log + ")"};
    }
    return prefix + ".model";
}

Status installTokenizer(const std::string& modelPath, const std::string& folder) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    fs::copy_file(modelPath, folder + "/tokenizer.model", fs::copy_options::overwrite_existing,
                  ec);
    if (ec) {
        return Error{"cannot copy " + modelPath + " into " + folder + ": " + ec.message()};
    }
    const nlohmann::ordered_json config = {{"tokenizer_class", "LlamaTokenizer"},
                                           {"add_bos_token", false},
                                           {"add_eos_token", false},
                                           {"bos_token", "<s>"},
                                           {"eos_token", "</s>"},
                                           {"unk_token", "<unk>"},
                                           {"model_max_length", 256}};
    std::ofstream out(folder + "/tokenizer_config.json");
    out << config.dump(2) << "\n";
    if (!out) {
        return Error{"cannot write " + folder + "/tokenizer_config.json"};
    }
    return Ok{};
}

} // namespace cl::demo
