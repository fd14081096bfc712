// The composition root: builds every module once, in dependency order, from a validated
// Config — database → repositories → schemas → hashers → services → routes → server. No other
// code knows all modules; nothing is a singleton.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/storage.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "courier/mailer.hpp"
#include "crypto/token_cipher.hpp"

namespace bia::app {

struct WiringOptions {
    bool migrate = true;  // apply pending SQL migrations before serving
    // `serve --watch-courier`: also deliver queued mail, on a dispatcher thread of its own.
    bool watch_courier = false;
};

class Wiring {
  public:
    static core::Result<std::unique_ptr<Wiring>> Build(config::Config config, WiringOptions options = {});
    ~Wiring();

    // Binds the listeners; serving continues on background threads.
    core::Status Start();
    void Stop();
    void Wait();
    std::string PublicListenUrl() const;
    std::string AdminListenUrl() const;

    // The courier (courier::Courier) the verification and recovery flows queue mail through.
    // Inside Build, the same object is `p.courier`.
    courier::Mailer& mailer();

    // The cipher of OIDC tokens at rest (`ciphers.algorithm`, `secrets.cipher`), built once.
    // Inside Build, the same object is `*p.token_cipher`.
    const crypto::TokenCipher& token_cipher() const;

  private:
    Wiring();
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace bia::app
