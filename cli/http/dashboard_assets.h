#pragma once
// The dashboard's static files (cli/http/assets/, listed with their URL
// paths and content types in cli/http/assets/manifest.txt), compiled into
// the binary: CMake generates dashboard_assets_data.cc from the files at
// build time (embed_assets.cmake), so rtaid serves them with no files on
// disk and nothing is downloaded by the build.

#include <string_view>
#include <vector>

namespace rtai::cli {

struct DashboardAsset {
  std::string_view url_path;      // e.g. "/dashboard/app.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view bytes;
};

// Every asset in manifest order. Static storage.
const std::vector<DashboardAsset>& DashboardAssets();

}  // namespace rtai::cli
