// Include this instead of <catch2/catch.hpp> in tests that use LibTorch: LibTorch pulls in glog, whose CHECK
// macro collides with Catch2's. Loading glog first and dropping its CHECK keeps Catch2's.
#pragma once

#include <c10/util/Logging.h>
#undef CHECK

#include <catch2/catch.hpp>
