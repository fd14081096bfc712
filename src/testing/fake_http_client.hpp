// Test double for net::HttpClient: records every request and answers from a script (one answer
// per call, the last one repeated). Test-only (header-only).
#pragma once

#include <mutex>
#include <vector>

#include "net/http_client.hpp"

namespace bia::testing {

class FakeHttpClient final : public net::HttpClient {
  public:
    explicit FakeHttpClient(std::vector<net::HttpResponse> answers = {}) : answers_(std::move(answers)) {}
    net::HttpResponse Send(const net::HttpRequest& request) override {
        std::lock_guard lock(mu_);
        requests.push_back(request);
        if (answers_.empty()) {
            net::HttpResponse r;
            r.failure = net::HttpResponse::Failure::kTransport;
            r.error = "no answer scripted";
            return r;
        }
        const size_t i = std::min(next_++, answers_.size() - 1);
        return answers_[i];
    }
    std::vector<net::HttpRequest> requests;

  private:
    std::mutex mu_;
    std::vector<net::HttpResponse> answers_;
    size_t next_ = 0;
};

}  // namespace bia::testing
