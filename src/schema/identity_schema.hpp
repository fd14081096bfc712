// The Schema implementation behind SchemaRegistry: one identity schema document, compiled once,
// with its profile form fields, property paths and node sort keys precomputed (immutable, so
// safe to share across threads).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "schema/json_schema.hpp"
#include "schema/schema.hpp"

namespace bia::schema {

class IdentitySchema final : public Schema {
  public:
    // Parses and compiles `document` (JSON text). Errors say what is wrong and where
    // ("... (at #/properties/traits/properties/email)"); the caller adds id and URL.
    static core::Result<std::unique_ptr<IdentitySchema>> Parse(std::string id, std::string url,
                                                               std::string_view document);

    const std::string& id() const override { return id_; }
    const std::string& url() const override { return url_; }
    const nlohmann::json& raw() const override { return raw_; }
    std::vector<Violation> ValidateTraits(const nlohmann::json& traits) const override;
    Extensions ExtractExtensions(const nlohmann::json& traits) const override;
    const std::vector<FormField>& FormFields() const override { return form_fields_; }
    const std::vector<std::string>& PropertyPaths() const override { return property_paths_; }
    const std::vector<std::string>& NodeSortKeys() const override { return sort_keys_; }
    std::optional<std::string> TypeAt(std::string_view dotted_path) const override;

  private:
    IdentitySchema() = default;
    void ComputeFormFields();

    std::string id_;
    std::string url_;
    nlohmann::json raw_;
    std::shared_ptr<const CompiledSchema> compiled_;
    std::vector<FormField> form_fields_;
    std::vector<std::string> property_paths_;
    std::vector<std::string> sort_keys_;
    std::map<std::string, std::string, std::less<>> types_;  // dotted path → JSON type
};

}  // namespace bia::schema
