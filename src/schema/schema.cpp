#include "schema/schema.hpp"

namespace bia::schema {

const std::vector<std::string>* Extensions::IdentifiersFor(std::string_view type) const {
    for (const auto& [t, ids] : identifiers)
        if (t == type) return &ids;
    return nullptr;
}

}  // namespace bia::schema
