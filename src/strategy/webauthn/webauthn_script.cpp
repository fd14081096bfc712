#include "strategy/webauthn/webauthn_script.hpp"

#include <openssl/sha.h>

#include "core/encoding.hpp"

namespace bia::strategy::webauthn {

namespace {

// Written for Bia. Options arrive as the JSON the server produced (an object or its text);
// binary members travel as unpadded base64url both ways.
constexpr std::string_view kScript = R"JS((function () {
  'use strict';
  if (window.oryWebAuthnRegistration) return;

  function toBytes(value) {
    var b64 = String(value).replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }

  function fromBytes(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = '';
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function parse(options) {
    var o = typeof options === 'string' ? JSON.parse(options) : JSON.parse(JSON.stringify(options));
    return o.publicKey ? o.publicKey : o;
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      var copy = Object.assign({}, d);
      copy.id = toBytes(d.id);
      return copy;
    });
  }

  function submitWith(name, value) {
    var input = document.querySelector('input[name="' + name + '"]');
    if (!input) throw new Error('webauthn.js: no input named ' + name + ' on this page');
    input.value = JSON.stringify(value);
    var form = input.form || input.closest('form');
    if (!form) throw new Error('webauthn.js: the ' + name + ' input is not inside a form');
    form.submit();
  }

  function unsupported() {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      alert('This browser does not support security keys (WebAuthn).');
      return true;
    }
    return false;
  }

  function register(options) {
    if (unsupported()) return;
    var pk = parse(options);
    pk.challenge = toBytes(pk.challenge);
    pk.user.id = toBytes(pk.user.id);
    pk.excludeCredentials = descriptors(pk.excludeCredentials);
    return navigator.credentials.create({ publicKey: pk }).then(function (credential) {
      var response = credential.response;
      submitWith('webauthn_register', {
        id: credential.id,
        rawId: fromBytes(credential.rawId),
        type: credential.type,
        response: {
          attestationObject: fromBytes(response.attestationObject),
          clientDataJSON: fromBytes(response.clientDataJSON),
          transports: typeof response.getTransports === 'function' ? response.getTransports() : []
        }
      });
    }).catch(function (err) {
      console.error('webauthn.js: registration failed', err);
    });
  }

  function login(options) {
    if (unsupported()) return;
    var pk = parse(options);
    pk.challenge = toBytes(pk.challenge);
    pk.allowCredentials = descriptors(pk.allowCredentials);
    return navigator.credentials.get({ publicKey: pk }).then(function (credential) {
      var response = credential.response;
      submitWith('webauthn_login', {
        id: credential.id,
        rawId: fromBytes(credential.rawId),
        type: credential.type,
        response: {
          authenticatorData: fromBytes(response.authenticatorData),
          clientDataJSON: fromBytes(response.clientDataJSON),
          signature: fromBytes(response.signature),
          userHandle: response.userHandle ? fromBytes(response.userHandle) : null
        }
      });
    }).catch(function (err) {
      console.error('webauthn.js: sign-in failed', err);
    });
  }

  window.oryWebAuthnRegistration = register;
  window.oryWebAuthnLogin = login;
  window.__oryWebAuthnRegistration = register;
  window.__oryWebAuthnLogin = login;
})();
)JS";

}  // namespace

std::string_view Script() { return kScript; }

const std::string& ScriptIntegrity() {
    static const std::string integrity = [] {
        unsigned char digest[SHA512_DIGEST_LENGTH];
        SHA512(reinterpret_cast<const unsigned char*>(kScript.data()), kScript.size(), digest);
        return "sha512-" + core::Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
    }();
    return integrity;
}

}  // namespace bia::strategy::webauthn
