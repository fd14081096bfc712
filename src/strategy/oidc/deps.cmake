# What the oidc method links beyond the dependencies every method gets (src/CMakeLists.txt):
# libjsonnet evaluates each provider's claims mapper.
set(method_extra_deps ${JSONNET_LIB})
