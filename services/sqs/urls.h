// Queue URLs and ARNs. rime hands out http(s)://<Host header>/<account>/<name>, so clients
// call back to wherever they reached it; on input it accepts that form, AWS's
// https://sqs.<region>.amazonaws.com/<account>/<name> and any other host: the account and the
// name come from the path (the URL names the queue's owner, which may not be the caller).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/request_context.h"
#include "core/scope.h"

namespace rime::sqs {

/// Where a queue lives: its scope and its name.
struct QueueRef {
  Scope scope;
  std::string name;
};

/// The URL of queue `name` in `scope`, on the host the client used.
std::string queue_url(const RequestContext& ctx, const Scope& scope, std::string_view name);

/// The queue a QueueUrl names; nullopt when it names none (no path, a bad account id).
/// The region is the request's, unless the host is AWS's sqs.<region>.amazonaws.com.
std::optional<QueueRef> parse_queue_url(std::string_view url, const RequestContext& ctx);

/// The queue an ARN names (arn:<partition>:sqs:<region>:<account>:<name>).
std::optional<QueueRef> parse_queue_arn(std::string_view arn);

/// Queue names: 1-80 of [A-Za-z0-9_-], plus the ".fifo" suffix for FIFO queues.
bool valid_queue_name(std::string_view name, bool fifo);

}  // namespace rime::sqs
