#pragma once
// The training step's section of report.html (report/html_report.h) from report.json's `training_step`
// (docs/report.md): its figures (#training-step-figures), each layer's phases on one time line of the minibatch
// (#training-step-chart: a bar per layer and phase from its first instruction to its last), and the dynamic
// energy of each phase by component (#training-step-energy-chart). Every data mark has class="mark" and a
// <title>. A pure function of its input; a missing key throws imcsim::Error naming it.

#include <nlohmann/json.hpp>
#include <string>

namespace imcsim::report {

/// The whole <section id="training-step">.
std::string training_step_section(const nlohmann::ordered_json& training_step);

}  // namespace imcsim::report
