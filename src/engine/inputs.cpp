#include "engine/inputs.hpp"

#include <fmt/core.h>
#include <openssl/evp.h>

#include <fstream>
#include <map>
#include <set>

namespace siteplan::engine {

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(md, buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md, out, &len);
  EVP_MD_CTX_free(md);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", out[i]);
  return hex;
}

std::vector<InputRecord> hash_inputs(const std::vector<const LayerSpec*>& layers) {
  std::vector<InputRecord> inputs;
  std::set<std::string> seen;
  std::map<std::string, std::string> by_file;  // layers of one data set: the file is read once
  for (const LayerSpec* l : layers) {
    if (!l || !seen.insert(l->id).second) continue;
    std::string sha;
    if (!is_connection_string(l->source)) {
      auto it = by_file.find(l->source);
      if (it == by_file.end()) it = by_file.emplace(l->source, sha256_file(l->source)).first;
      sha = it->second;
    }
    inputs.push_back({l->id, l->display(), sha});
  }
  return inputs;
}

}  // namespace siteplan::engine
