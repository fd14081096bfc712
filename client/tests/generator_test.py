#!/usr/bin/env python3
"""Tests of tools/generate.py on a small synthetic OpenAPI document (no access to the real one):
naming rules (C++ keywords get a trailing underscore), nested enums, unions with and without a
discriminator, operation shape, wire corrections, left-out Ory Network paths, determinism, stale
file removal, cycle detection, and that the output compiles warning-free.

    python3 generator_test.py [--cxx c++]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT = os.path.dirname(HERE)
GENERATOR = os.path.join(CLIENT, "tools", "generate.py")
CXX = "c++"


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def mini_document():
    json_body = lambda name: {"content": {"application/json": {"schema": ref(name)}}}  # noqa: E731
    return {
        "openapi": "3.0.3",
        "info": {"title": "mini", "version": "1"},
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing", "tags": ["v0alpha2"], "summary": "Get a thing",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "X-Session-Token", "in": "header", "schema": {"type": "string"}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "format": "int64"}},
                        {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                    ],
                    "responses": {"200": json_body("thing"), "404": json_body("jsonError")},
                },
                "put": {
                    "operationId": "putThing", "tags": ["v0alpha2"],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "requestBody": {"required": True, **json_body("thingBody")},
                    "security": [{"oryAccessToken": []}],
                    "responses": {"204": {"description": "empty"}, "default": json_body("genericError")},
                },
            },
            "/projects/{id}": {
                "get": {"operationId": "getProject", "tags": ["v0alpha2"],
                        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                        "responses": {"200": json_body("thing")}},
            },
            "/health/alive": {
                "get": {"operationId": "isAlive", "tags": ["metadata"],
                        "responses": {"200": {"content": {"application/json": {"schema": {
                            "type": "object", "required": ["status"],
                            "properties": {"status": {"type": "string"}}}}}}}},
            },
        },
        "components": {"schemas": {
            "genericError": {"type": "object", "required": ["message"],
                             "properties": {"message": {"type": "string"}, "code": {"type": "integer"}}},
            "jsonError": {"type": "object", "required": ["error"], "properties": {"error": ref("genericError")}},
            "selfServiceFlowExpiredError": {"type": "object", "required": ["message"],
                                            "properties": {"message": {"type": "string"},
                                                           "use_flow_id": {"type": "string"}}},
            "thing": {
                "type": "object", "required": ["class", "kind", "shape"],
                "properties": {
                    "class": {"type": "string", "description": "A key that is a C++ keyword."},
                    "default": {"type": "boolean"},
                    "kind": {"type": "string", "enum": ["big_one", "small-one", "v0.6_old"]},
                    "shape": ref("shape"),
                    "loose": ref("looseUnion"),
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "extra": {"description": "free-form"},
                },
            },
            "thingBody": {"type": "object", "required": ["class"], "properties": {"class": {"type": "string"}}},
            "shape": {"oneOf": [ref("circle"), ref("square")],
                      "discriminator": {"propertyName": "form",
                                        "mapping": {"circle": "#/components/schemas/circle",
                                                    "square": "#/components/schemas/square"}}},
            "circle": {"type": "object", "required": ["form", "radius"],
                       "properties": {"form": {"type": "string"}, "radius": {"type": "number"}}},
            "square": {"type": "object", "required": ["form", "side"],
                       "properties": {"form": {"type": "string"}, "side": {"type": "integer"}}},
            "looseUnion": {"oneOf": [ref("circle"), ref("thingBody")]},
            "thingList": {"type": "array", "items": ref("thing")},
        }},
    }


def run_generator(doc, out, expect_ok=True):
    spec = os.path.join(out, "spec.json")
    with open(spec, "w") as f:
        json.dump(doc, f)
    proc = subprocess.run([sys.executable, GENERATOR, spec, "--out", out], capture_output=True, text=True)
    if expect_ok and proc.returncode != 0:
        raise AssertionError(f"generator failed: {proc.stderr}")
    return proc


def read(out, rel):
    with open(os.path.join(out, rel), encoding="utf-8") as f:
        return f.read()


class GeneratorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="bia-client-generator-")
        os.makedirs(os.path.join(cls.out, "src", "generated"))
        with open(os.path.join(cls.out, "src", "generated", "stale.cpp"), "w") as f:
            f.write("#error stale generated file\n")
        run_generator(mini_document(), cls.out)
        cls.models = read(cls.out, "include/bia/client/models.hpp")
        cls.api = read(cls.out, "include/bia/client/apis/v0alpha2_api.hpp")
        cls.sources = "".join(read(cls.out, os.path.join("src/generated", n))
                              for n in sorted(os.listdir(os.path.join(cls.out, "src/generated"))))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out)

    def test_keyword_keys_get_a_trailing_underscore_and_keep_their_json_name(self):
        self.assertIn("    std::string class_;", self.models)
        self.assertIn("    std::optional<bool> default_;", self.models)
        self.assertIn('detail::Put(j, "class", value.class_);', self.sources)
        self.assertIn('detail::Get(j, "default", value.default_);', self.sources)

    def test_inline_enums_are_nested_with_pascal_case_values(self):
        self.assertIn("enum class Kind { BigOne, SmallOne, V06Old };", self.models)
        self.assertIn("Thing::Kind kind{};", self.models)
        self.assertIn('{Thing::Kind::SmallOne, "small-one"}', self.sources)

    def test_unions(self):
        self.assertIn("using Shape = std::variant<Circle, Square>;", self.models)
        self.assertIn('detail::Discriminator(j, "form")', self.sources)
        self.assertIn('std::string form = "circle";', self.models)
        # Without a discriminator: the first alternative that decodes.
        self.assertIn('detail::ThrowNoAlternative("LooseUnion", reasons);', self.sources)

    def test_types(self):
        self.assertIn("std::optional<std::map<std::string, std::string>> labels;", self.models)
        self.assertIn("std::optional<nlohmann::json> extra;", self.models)
        self.assertIn("using ThingList = std::vector<Thing>;", self.models)
        self.assertIn("struct IsAlive200Response {", self.models)

    def test_operation_shape(self):
        self.assertIn("get_thing(\n    const Configuration& configuration,\n    std::string_view id,\n"
                      "    std::optional<std::string_view> x_session_token,\n    std::optional<std::int64_t> page,\n"
                      "    std::optional<std::vector<std::string>> tags)", self.api)
        self.assertIn("put_thing(\n    const Configuration& configuration,\n    std::string_view id,\n"
                      "    std::optional<models::ThingBody> thing_body);", self.api)
        self.assertIn("Result<std::monostate, Error<PutThingError>>", self.api)
        self.assertIn("using Status404 = bia::client::Status<404, models::JsonError>;", self.api)
        self.assertIn("using DefaultResponse = bia::client::DefaultResponse<models::GenericError>;", self.api)
        self.assertIn("get_thing_async(", self.api)
        self.assertIn('detail::Request request("GET", std::string("/things/") + detail::PercentEncode(id));',
                      self.sources)
        self.assertIn('request.Header("X-Session-Token", x_session_token);', self.sources)
        self.assertIn("request.RequiresAuthorization();", self.sources)
        self.assertIn("is_alive(", read(self.out, "include/bia/client/apis/metadata_api.hpp"))

    def test_ory_network_paths_are_left_out(self):
        self.assertNotIn("get_project", self.api)

    def test_wire_corrections(self):
        self.assertIn("std::optional<std::string> use_flow_id;", self.models.split("struct JsonError {")[1])
        expired = self.models.split("struct SelfServiceFlowExpiredError {")[1].split("};")[0]
        self.assertIn("GenericError error;", expired)
        self.assertNotIn("message", expired)

    def test_stale_files_are_removed_and_output_is_deterministic(self):
        self.assertFalse(os.path.exists(os.path.join(self.out, "src", "generated", "stale.cpp")))
        again = tempfile.mkdtemp(prefix="bia-client-generator-")
        try:
            run_generator(mini_document(), again)
            for rel in ("include/bia/client/models.hpp", "include/bia/client/apis/v0alpha2_api.hpp",
                        "tests/generated/model_cases.cpp"):
                self.assertEqual(read(self.out, rel).replace(self.out, ""), read(again, rel).replace(again, ""))
        finally:
            shutil.rmtree(again)

    def test_cycles_are_refused(self):
        doc = mini_document()
        doc["components"]["schemas"]["thingBody"]["properties"]["self"] = ref("thingBody")
        doc["components"]["schemas"]["thingBody"]["required"].append("self")
        out = tempfile.mkdtemp(prefix="bia-client-generator-")
        try:
            proc = run_generator(doc, out, expect_ok=False)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("schema cycle", proc.stderr)
        finally:
            shutil.rmtree(out)

    def test_output_compiles_warning_free(self):
        # The generated sources include "../serde.hpp" / "../operation.hpp" and the runtime headers.
        for name in ("serde.hpp", "operation.hpp"):
            shutil.copy(os.path.join(CLIENT, "src", name), os.path.join(self.out, "src", name))
        for name in ("configuration.hpp", "error.hpp", "result.hpp"):
            shutil.copy(os.path.join(CLIENT, "include", "bia", "client", name),
                        os.path.join(self.out, "include", "bia", "client", name))
        for source in sorted(os.listdir(os.path.join(self.out, "src", "generated"))):
            proc = subprocess.run(
                [CXX, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
                 "-I", os.path.join(self.out, "include"), os.path.join(self.out, "src", "generated", source)],
                capture_output=True, text=True)
            self.assertEqual(proc.returncode, 0, f"{source}:\n{proc.stderr[:4000]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cxx", default="c++")
    args, rest = parser.parse_known_args()
    CXX = args.cxx
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=1)
