// Change a profile trait through a settings flow:  settings <public-url> <session-token> <first-name>
#include <bia/client/client.hpp>

#include <iostream>

namespace v0 = bia::client::apis::v0alpha2_api;
namespace models = bia::client::models;

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: settings <public-url> <session-token> <first-name>\n";
        return 2;
    }
    bia::client::Configuration configuration;
    configuration.base_path = argv[1];
    const char* token = argv[2];

    auto flow = v0::initialize_self_service_settings_flow_without_browser(configuration, token);
    if (!flow) {
        std::cerr << bia::client::describe(flow.error()) << "\n";
        return 1;
    }
    models::SubmitSelfServiceSettingsFlowWithProfileMethodBody profile;
    profile.traits = flow->identity.traits;
    profile.traits["name"]["first"] = argv[3];

    // The seed call: configuration, flow id, X-Session-Token, body.
    auto updated = v0::submit_self_service_settings_flow(configuration, flow->id, token, profile);
    if (!updated) {
        std::cerr << bia::client::describe(updated.error()) << "\n";
        return 1;
    }
    std::cout << "settings flow " << updated->id << ": " << models::to_string(updated->state) << "\n";
    return 0;
}
