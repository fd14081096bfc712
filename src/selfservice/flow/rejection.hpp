// A rejected submission (settings-flow.md §5.4 "validation error" rows): messages that belong on
// particular form nodes or on the flow itself. Strategies return it; flows attach it to their UI,
// persist the flow and show it again (400 with the flow / 303 back to the UI).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "schema/schema.hpp"
#include "text/message.hpp"
#include "ui/container.hpp"

namespace bia::selfservice {

struct Rejection {
    struct Entry {
        std::string node;  // node id; "" = flow-level message
        text::Message message;
    };
    std::vector<Entry> messages;

    static Rejection OnNode(std::string node, text::Message message) {
        Rejection r;
        r.messages.push_back({std::move(node), std::move(message)});
        return r;
    }
    static Rejection OnFlow(text::Message message) { return OnNode("", std::move(message)); }
    // Each schema violation as an error message on its trait's node (G2 ids and texts; a
    // violation without context gets a message without one).
    static Rejection FromViolations(const std::vector<schema::Violation>& violations);
};

// Replaces the UI's messages with the rejection's: earlier messages are cleared first so that a
// re-rendered form only shows what is wrong now.
void ApplyRejection(ui::Container& ui, const Rejection& rejection);

// Errors with status 400 that carry no messages of their own are shown on the flow as message
// 4000001 with their reason (settings-flow.md §5.4, §20.3); nullopt for any other status.
std::optional<Rejection> RejectionFromBadRequest(const core::Error& error);

}  // namespace bia::selfservice
