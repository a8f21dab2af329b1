// Symbol visibility for the latpred kernel: everything a plugin links against is exported.
#pragma once

#define LATPRED_API __attribute__((visibility("default")))
