// Test fixture for the verification and recovery methods (code, link): the signed-in world of
// MethodFlowWorld whose identity has a pending verifiable and a recovery address
// (alice@example.com), plus the verification and recovery services over in-memory flows, an
// in-memory secret store and a RecordingMailer. Test-only (header-only).
#pragma once

#include <memory>
#include <vector>

#include "selfservice/recovery/recovery_service.hpp"
#include "selfservice/verification/verification_service.hpp"
#include "testing/method_flow_world.hpp"
#include "testing/recording_mailer.hpp"

namespace bia::testing {

inline constexpr const char* kAddressFlowSchema =
    R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
  "properties":{"traits":{"type":"object","properties":{"email":{"type":"string","format":"email",
  "ory.sh/kratos":{"credentials":{"password":{"identifier":true}},"verification":{"via":"email"},
  "recovery":{"via":"email"}}}}}}})";

struct AddressFlowWorld : MethodFlowWorld {
    explicit AddressFlowWorld(uint64_t seed) : MethodFlowWorld(kAddressFlowSchema, seed) {
        cfg.secrets.default_secrets = {"a-system-secret-of-some-length"};
        return_to = selfservice::ReturnToValidator({"https://app.example.com/"}, cfg.PublicBaseUrl());
        cfg.selfservice.flows.verification.enabled = true;
        cfg.selfservice.flows.verification.ui_url = "https://app.example.com/verification";
        cfg.selfservice.flows.recovery.enabled = true;
        cfg.selfservice.flows.recovery.ui_url = "https://app.example.com/recovery";
        cfg.selfservice.methods.link.enabled = true;
        cfg.selfservice.methods.code.enabled = true;
        identity::Identity& stored = identity_repo.rows.at(who.id);
        identity::VerifiableAddress va;
        va.id = core::Uuid::V4(random);
        va.value = "alice@example.com";
        stored.verifiable_addresses.push_back(va);
        identity::RecoveryAddress ra;
        ra.id = core::Uuid::V4(random);
        ra.value = "alice@example.com";
        stored.recovery_addresses.push_back(ra);
        who = stored;
    }

    void WireAddressFlows(std::vector<selfservice::verification::VerificationStrategy*> v,
                          std::vector<selfservice::recovery::RecoveryStrategy*> r) {
        Wire({}, {});
        verification = std::make_unique<selfservice::verification::VerificationService>(
            cfg, verification_flows, std::move(v), identity_repo, return_to, clock, random);
        recovery = std::make_unique<selfservice::recovery::RecoveryService>(
            cfg, recovery_flows, std::move(r), identity_repo, sessions, *settings, return_to, clock, random);
    }

    // A request without a session (verification and recovery need none).
    selfservice::RequestContext Anonymous(std::string url) {
        selfservice::RequestContext ctx;
        ctx.url = std::move(url);
        if (browser) {
            ctx.csrf_token = core::Base64Encode(std::string(32, '\x5a'));
            ctx.csrf_cookie_sent = ctx.cookie_header_sent = true;
            ctx.cookie_names = {"csrf_token"};
        }
        return ctx;
    }
    // The id of the flow an Init showed.
    static core::Uuid ShownId(const selfservice::Outcome& out) {
        const auto* shown = std::get_if<selfservice::ShowFlow>(&out);
        EXPECT_NE(shown, nullptr);
        if (const auto* failed = std::get_if<selfservice::Failed>(&out)) ADD_FAILURE() << failed->error.reason;
        return shown ? shown->id : core::Uuid();
    }
    // The body a client would post: `fields` plus the flow's csrf_token for browsers.
    template <class Flow>
    nlohmann::json Body(const Flow& f, nlohmann::json fields) const {
        if (browser && !fields.contains("csrf_token")) {
            if (const ui::Node* n = f.ui.Find(ui::kCsrfTokenName)) fields["csrf_token"] = n->Input()->value;
        }
        return fields;
    }

    MemoryFlows<selfservice::verification::VerificationFlow> verification_flows;
    MemoryFlows<selfservice::recovery::RecoveryFlow> recovery_flows;
    MemoryOneTimeSecrets secrets;
    RecordingMailer mailer;
    std::unique_ptr<selfservice::verification::VerificationService> verification;
    std::unique_ptr<selfservice::recovery::RecoveryService> recovery;
};

}  // namespace bia::testing
