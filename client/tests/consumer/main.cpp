// Built against the installed library by tests/install_test.sh; talks to nothing on purpose.
#include <bia/client/client.hpp>
#include <iostream>
#include <variant>

int main() {
    bia::client::Configuration configuration;
    configuration.base_path = "http://127.0.0.1:1";  // nothing listens on port 1
    configuration.proxy = "";
    auto session = bia::client::apis::v0alpha2_api::to_session(configuration, "token", std::nullopt);
    const bool transport_error = !session && std::holds_alternative<bia::client::TransportError>(session.error());
    auto parsed = nlohmann::json::parse(R"({"status":"ok"})").get<bia::client::models::IsAlive200Response>();
    std::cout << (transport_error ? "transport error" : "unexpected") << ", " << parsed.status << "\n";
    return transport_error && parsed.status == "ok" ? 0 : 1;
}
