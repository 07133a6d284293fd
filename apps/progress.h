#pragma once
// Progress of a long command on stderr. On a terminal, a bar redrawn in place (at most ten times a second) with
// the work done, the elapsed time and an estimate of the time left; otherwise (CI logs, files) one plain line as
// each phase begins and nothing while it runs.

#include <chrono>
#include <cstdio>
#include <string>

namespace imcsim::apps {

/// "2m05s", or "1h02m" from an hour on.
std::string format_duration(double seconds);

class ProgressBar {
 public:
  /// `prefix` starts every line ("imcsim run"); `terminal`: draw bars (default: whether stderr is a terminal).
  explicit ProgressBar(std::string prefix);
  ProgressBar(std::string prefix, bool terminal);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  /// Ends the open bar, if any.
  ~ProgressBar();

  /// A new phase: ends the previous bar, prints "prefix: phase" (on a terminal it becomes the bar's label).
  void phase(const std::string& name);
  /// `done` of `total` units of the current phase, with an optional `detail` after the bar ("loss 0.31"); a
  /// terminal redraws the bar, otherwise nothing is printed.
  void update(long done, long total, const std::string& detail = "");
  /// Ends the current bar with a newline (a terminal only; a no-op otherwise or when none is open).
  void finish();
  bool terminal() const { return m_terminal; }

 private:
  void draw(long done, long total, const std::string& detail);

  std::string m_prefix;
  bool m_terminal;
  std::string m_phase;
  bool m_open = false;
  std::chrono::steady_clock::time_point m_start;
  double m_last_draw_s = -1;
};

}  // namespace imcsim::apps
