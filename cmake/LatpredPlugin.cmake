# latpred_add_plugin(<name> <sources>...)
# Builds a latpred plugin: a MODULE library (dlopen only) named <name>.so, linked with --no-undefined so ABI and
# visibility mistakes fail at link time, written to the plugin directory of the build tree, and installed.
# Used in-tree and, through the installed latpredConfig.cmake, by out-of-tree plugins.
#
# Install destination: ${LATPRED_INSTALL_PLUGIN_DIR} (in-tree: <libdir>/latpred/plugins next to liblatpred, where
# the kernel looks by default). Out of tree it defaults to lib/latpred/plugins of the plugin project's prefix; set
# LATPRED_INSTALL_PLUGIN_DIR (e.g. to ${LATPRED_PLUGIN_DIR}, latpred's own plugin directory) to change it.
function(latpred_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  if(TARGET latpred::latpred)
    target_link_libraries(${name} PRIVATE latpred::latpred)
  else()
    target_link_libraries(${name} PRIVATE latpred)
  endif()
  target_compile_features(${name} PRIVATE cxx_std_17)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(DEFINED LATPRED_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${LATPRED_PLUGIN_OUTPUT_DIR})
  endif()
  if(TARGET latpred_all_plugins)
    add_dependencies(latpred_all_plugins ${name})
  endif()
  target_link_options(${name} PRIVATE -Wl,--no-undefined)

  if(DEFINED LATPRED_INSTALL_PLUGIN_DIR)
    set(destination ${LATPRED_INSTALL_PLUGIN_DIR})
  else()
    set(destination lib/latpred/plugins)
  endif()
  # An installed plugin finds liblatpred two levels up (<libdir>/latpred/plugins -> <libdir>); out of tree also in
  # the directory latpred was installed to (LATPRED_LIBRARY_DIR, set by latpredConfig.cmake).
  set(install_rpath "$ORIGIN/../..")
  if(DEFINED LATPRED_LIBRARY_DIR)
    list(APPEND install_rpath ${LATPRED_LIBRARY_DIR})
  endif()
  set_target_properties(${name} PROPERTIES INSTALL_RPATH "${install_rpath}")
  install(TARGETS ${name} LIBRARY DESTINATION ${destination})
endfunction()
