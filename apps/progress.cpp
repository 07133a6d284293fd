#include "apps/progress.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

namespace imcsim::apps {

std::string format_duration(double seconds) {
  const auto s = static_cast<long>(std::max(0.0, seconds) + 0.5);
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  } else {
    std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  }
  return text;
}

ProgressBar::ProgressBar(std::string prefix) : ProgressBar(std::move(prefix), isatty(fileno(stderr)) != 0) {}

ProgressBar::ProgressBar(std::string prefix, bool terminal) : m_prefix(std::move(prefix)), m_terminal(terminal) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::phase(const std::string& name) {
  finish();
  m_phase = name;
  m_start = std::chrono::steady_clock::now();
  m_last_draw_s = -1;
  if (m_terminal) {
    std::fprintf(stderr, "\r%s: %s\x1b[K", m_prefix.c_str(), m_phase.c_str());
    m_open = true;
  } else {
    std::fprintf(stderr, "%s: %s\n", m_prefix.c_str(), m_phase.c_str());
  }
  std::fflush(stderr);
}

void ProgressBar::update(long done, long total, const std::string& detail) {
  if (!m_terminal || total <= 0) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  if (done < total && m_last_draw_s >= 0 && elapsed - m_last_draw_s < 0.1) return;
  m_last_draw_s = elapsed;
  draw(std::min(done, total), total, detail);
}

void ProgressBar::draw(long done, long total, const std::string& detail) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  constexpr long width = 24;
  const long filled = done * width / total;
  const std::string eta =
      done > 0 ? format_duration(elapsed / static_cast<double>(done) * static_cast<double>(total - done)) : "?";
  std::fprintf(stderr, "\r%s: %s [%s%s] %ld/%ld%s%s  elapsed %s  eta %s\x1b[K", m_prefix.c_str(), m_phase.c_str(),
               std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(width - filled), '.').c_str(), done, total,
               detail.empty() ? "" : "  ", detail.c_str(), format_duration(elapsed).c_str(), eta.c_str());
  std::fflush(stderr);
  m_open = true;
}

void ProgressBar::finish() {
  if (!m_open) return;
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
  m_open = false;
}

}  // namespace imcsim::apps
