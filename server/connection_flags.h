#ifndef ARTS_SERVER_CONNECTION_FLAGS_H_
#define ARTS_SERVER_CONNECTION_FLAGS_H_

#include "server/server_runner.h"

namespace arts::server {

// The flags every ARTS server binary shares, with the same defaults and
// help, defined once in connection_flags.cc: --tls_cert, --tls_key,
// --tls_client_ca, --max_connection_age, --max_connection_age_grace and
// --health_listen. Returns their values; RunServerMain checks them.
ServerOptions ConnectionOptionsFromFlags();

}  // namespace arts::server

#endif  // ARTS_SERVER_CONNECTION_FLAGS_H_
