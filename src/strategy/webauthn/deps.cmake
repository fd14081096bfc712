# What the webauthn method links beyond the dependencies every method gets (src/CMakeLists.txt):
# libcbor decodes attestation objects and COSE keys. OpenSSL::Crypto already comes with bia_core.
pkg_check_modules(CBOR REQUIRED IMPORTED_TARGET libcbor)
set(method_extra_deps PkgConfig::CBOR)
