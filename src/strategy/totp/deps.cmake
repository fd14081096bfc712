# What the totp method links beyond the dependencies every method gets (src/CMakeLists.txt):
# libqrencode draws the QR code of the otpauth:// URL, libpng writes it as a PNG.
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
find_package(PNG REQUIRED)
set(method_extra_deps PkgConfig::QRENCODE PNG::PNG)
