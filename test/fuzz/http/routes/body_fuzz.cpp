// libFuzzer target: the JSON request-body decoder (DecodeJsonBody / ParseJson). The first byte
// picks the Content-Type; the rest is the body. Must never crash, hang or recurse without bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http/routes/body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const char* const kTypes[] = {"application/json",
                                         "application/json; charset=utf-8",
                                         "text/plain",
                                         "",
                                         "application/x-www-form-urlencoded",
                                         "APPLICATION/JSON ; x=y"};
    if (size == 0) return 0;
    bia::http::Request r;
    r.method = "POST";
    r.headers = {{"Content-Type", kTypes[data[0] % (sizeof kTypes / sizeof kTypes[0])]}};
    r.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
    auto decoded = bia::http::routes::DecodeJsonBody(r);
    if (decoded) (void)decoded->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto parsed = bia::http::routes::ParseJson(r.body);
    if (parsed) (void)bia::http::routes::RejectUnknownFields(*parsed, {"schema_id", "traits", "state"});
    return 0;
}
