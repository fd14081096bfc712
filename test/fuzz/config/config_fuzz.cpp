// libFuzzer target: the kratos.yml loader (LoadConfigFromYaml). The input is loaded alone and as
// an override over a minimal valid file; errors must be values, never crashes or throws.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string kMinimal = R"(
dsn: memory
identity:
  schemas:
    - id: default
      url: file://config/identity.schema.json
)";
    std::string text(reinterpret_cast<const char*>(data), size);
    bia::config::Environment env;
    bia::config::Warnings warnings;
    (void)bia::config::LoadConfigFromYaml({{"fuzz.yml", text}}, env, true, &warnings);
    (void)bia::config::LoadConfigFromYaml({{"base.yml", kMinimal}, {"fuzz.yml", text}}, env, false, &warnings);
    return 0;
}
