// Change a profile trait through a settings flow:  settings <public-url> <session-token> <first-name>
#include <bia/client/client.hpp>
#include <iostream>
#include <string>

namespace v0 = bia::client::apis::v0alpha2_api;
namespace models = bia::client::models;

static int Fail(const std::string& why) {
    std::cerr << why << "\n";
    return 1;
}

int main(int argc, char** argv) {
    if (argc != 4) return Fail("usage: settings <public-url> <session-token> <first-name>");
    bia::client::Configuration configuration;
    configuration.base_path = argv[1];
    const char* token = argv[2];

    auto flow = v0::initialize_self_service_settings_flow_without_browser(configuration, token);
    if (!flow) return Fail(bia::client::describe(flow.error()));

    models::SubmitSelfServiceSettingsFlowWithProfileMethodBody profile;  // method = "profile"
    profile.traits = flow->identity.traits;
    profile.traits["name"]["first"] = argv[3];
    // The seed call: configuration, flow id, X-Session-Token, body.
    auto updated = v0::submit_self_service_settings_flow(configuration, flow->id, token, profile);
    if (!updated) return Fail(bia::client::describe(updated.error()));
    std::cout << "settings flow " << updated->id << ": " << models::to_string(updated->state) << "\n";
}
