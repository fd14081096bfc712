# What the oidc method links beyond the dependencies every method gets (src/CMakeLists.txt):
# the Jsonnet sandbox (src/jsonnet/) evaluates each provider's claims mapper.
set(method_extra_deps bia_jsonnet)
