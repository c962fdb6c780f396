#include "broker/kafka/kafka_stream.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace rtai::kafka {

std::string KafkaStream::PeerCommonName() {
  if (!tls_) return "";
  X509* cert = SSL_get_peer_certificate(tls_->native_handle());
  if (cert == nullptr) return "";
  std::string cn;
  X509_NAME* subject = X509_get_subject_name(cert);
  const int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (at >= 0) {
    ASN1_STRING* data =
        X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at));
    cn.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
              static_cast<size_t>(ASN1_STRING_length(data)));
  }
  X509_free(cert);
  return cn;
}

std::string KafkaStream::VerifyError() {
  if (!tls_) return "";
  const long result = SSL_get_verify_result(tls_->native_handle());
  return result == X509_V_OK ? std::string()
                             : X509_verify_cert_error_string(result);
}

std::string KafkaStream::PeerAddress() {
  boost::system::error_code ec;
  auto endpoint = lowest().remote_endpoint(ec);
  return ec ? std::string() : endpoint.address().to_string();
}

void KafkaStream::Close() {
  boost::system::error_code ignored;
  lowest().shutdown(Tcp::shutdown_both, ignored);
  lowest().close(ignored);
}

}  // namespace rtai::kafka
