// The report as one self-contained HTML page: styles inline, charts drawn as
// inline SVG, no script, no network and no external file (a Content
// Security Policy forbids them, so a browser would refuse anything else).
// Each chart has its own colour, which the browser test looks for in the
// rendered page. Laid out for A4: tables and charts fit 180 mm, and a chart
// never breaks across pages.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/format.hpp"
#include "sfcohort/report.hpp"

namespace sfcohort::report {
namespace {

// The charts' colours (the browser test checks each appears).
constexpr const char* kJoined = "#1f5fa8";
constexpr const char* kTarget = "#c0392b";
constexpr const char* kCriteria = "#2a9d8f";
constexpr const char* kProblems = "#6a4c93";
constexpr const char* kClosures = "#e07b00";

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&#39;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return buf;
}

// A round upper bound for an axis: 1, 2 or 5 times a power of ten.
double nice_max(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (v <= m * p) return m * p;
  return 10 * p;
}

// Cumulative joins per month as a line, the target as a dashed line.
std::string joins_chart(const Report& r) {
  const double w = 680, h = 260, l = 56, b = 30, t = 10, rt = 10;
  double top = 1;
  for (const auto& m : r.months) top = std::max({top, static_cast<double>(m.cumulative), m.target});
  top = nice_max(top);
  const size_t n = r.months.size();
  auto x = [&](size_t i) { return l + (n <= 1 ? 0 : (w - l - rt) * i / (n - 1.0)); };
  auto y = [&](double v) { return h - b - (h - b - t) * v / top; };
  std::string s =
      "<svg class=\"chart\" id=\"joins\" viewBox=\"0 0 680 260\" role=\"img\" "
      "aria-label=\"Families joined, cumulative, against the target\">";
  for (int k = 0; k <= 5; ++k) {
    const double v = top * k / 5;
    s += "<line x1=\"" + num(l) + "\" x2=\"" + num(w - rt) + "\" y1=\"" + num(y(v)) + "\" y2=\"" +
         num(y(v)) + "\" stroke=\"#ddd\"/><text x=\"" + num(l - 6) + "\" y=\"" + num(y(v) + 4) +
         "\" text-anchor=\"end\">" + commas(static_cast<int64_t>(v)) + "</text>";
  }
  const size_t step = std::max<size_t>(1, n / 8);
  for (size_t i = 0; i < n; i += step) {
    s += "<text x=\"" + num(x(i)) + "\" y=\"" + num(h - 10) + "\" text-anchor=\"middle\">" +
         esc(r.months[i].month) + "</text>";
  }
  std::string joined, target;
  for (size_t i = 0; i < n; ++i) {
    joined += num(x(i)) + "," + num(y(static_cast<double>(r.months[i].cumulative))) + " ";
    target += num(x(i)) + "," + num(y(r.months[i].target)) + " ";
  }
  if (n == 1) joined += num(x(0) + 4) + "," + num(y(static_cast<double>(r.months[0].cumulative)));
  s += "<polyline fill=\"none\" stroke=\"" + std::string(kJoined) +
       "\" stroke-width=\"3\" points=\"" + joined + "\"/>";
  if (r.target) {
    s += "<polyline fill=\"none\" stroke=\"" + std::string(kTarget) +
         "\" stroke-width=\"2\" stroke-dasharray=\"6 4\" points=\"" + target + "\"/>";
  }
  return s + "</svg>";
}

// Horizontal bars, one per (label, value).
std::string bar_chart(const std::string& id, const std::string& label,
                      const std::vector<std::pair<std::string, int64_t>>& bars,
                      const char* colour) {
  const double w = 680, row = 26, l = 300, rt = 70;
  const double h = std::max(row, row * static_cast<double>(bars.size())) + 8;
  double top = 1;
  for (const auto& [_, v] : bars) top = std::max(top, static_cast<double>(v));
  std::string s = "<svg class=\"chart\" id=\"" + id + "\" viewBox=\"0 0 680 " + num(h) +
                  "\" role=\"img\" aria-label=\"" + esc(label) + "\">";
  double yy = 4;
  for (const auto& [name, v] : bars) {
    const double bw = std::max(v > 0 ? 2.0 : 0.0, (w - l - rt) * static_cast<double>(v) / top);
    s += "<text x=\"" + num(l - 8) + "\" y=\"" + num(yy + 17) + "\" text-anchor=\"end\">" +
         esc(name) + "</text><rect x=\"" + num(l) + "\" y=\"" + num(yy + 4) + "\" width=\"" +
         num(bw) + "\" height=\"18\" fill=\"" + colour + "\"/><text x=\"" + num(l + bw + 6) +
         "\" y=\"" + num(yy + 17) + "\">" + commas(v) + "</text>";
    yy += row;
  }
  if (bars.empty()) s += "<text x=\"10\" y=\"20\">none</text>";
  return s + "</svg>";
}

std::string caseload_table(const char* title, const std::vector<Caseload>& v) {
  std::string s = "<h2>" + std::string(title) + "</h2>";
  if (v.empty()) return s + "<p>None recorded.</p>";
  s += "<table><tr><th></th><th>families</th><th>people</th></tr>";
  for (const auto& c : v) {
    s += "<tr><td>" + esc(c.name) + "</td><td>" + commas(c.families) + "</td><td>" +
         commas(c.people) + "</td></tr>";
  }
  return s + "</table>";
}

int64_t at(const std::map<std::string, int64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

constexpr const char* kStyle =
    "@page{size:A4;margin:15mm}"
    "body{font:11pt/1.4 'DejaVu Sans',Arial,sans-serif;color:#222;max-width:180mm;margin:auto}"
    "h1{font-size:18pt;margin:0 0 2mm}h2{font-size:13pt;margin:7mm 0 2mm}"
    "p.meta{color:#555;margin:0}"
    "table{border-collapse:collapse;width:100%;font-size:10pt}"
    "th,td{border-bottom:1px solid #ccc;padding:1mm 2mm;text-align:right}"
    "th:first-child,td:first-child{text-align:left}"
    "svg.chart{width:100%;height:auto;break-inside:avoid;font-size:11px;fill:#222}"
    "figure{margin:0;break-inside:avoid}figcaption{font-size:9pt;color:#555}"
    ".key span{display:inline-block;width:14px;height:4px;margin:0 4px 3px 10px}";

}  // namespace

void write_html(const Report& r, std::ostream& out) {
  out << "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">"
      << "<title>Stronger Families programme report " << r.to.iso() << "</title><style>" << kStyle
      << "</style></head><body>";
  out << "<h1>Stronger Families programme report</h1><p class=\"meta\">" << r.from.iso() << " to "
      << r.to.iso() << " · criteria " << esc(r.criteria_set) << " (" << esc(r.threshold) << ")</p>";
  out << "<h2>Families and people</h2><table><tr><th></th><th>families</th><th>people</th></tr>";
  for (const char* st : {"cohort", "nominated", "closed"}) {
    out << "<tr><td>" << (std::string(st) == "cohort" ? "active" : st) << "</td><td>"
        << commas(at(r.families_by_status, st)) << "</td><td>" << commas(at(r.people_by_status, st))
        << "</td></tr>";
  }
  out << "</table>";
  out << "<h2>Families joined</h2><figure>" << joins_chart(r) << "<figcaption class=\"key\">"
      << "<span style=\"background:" << kJoined << "\"></span>cumulative joins";
  if (r.target) {
    out << "<span style=\"background:" << kTarget << "\"></span>target: " << commas(r.target)
        << " families from " << r.target_from.iso() << " to " << r.target_to.iso();
  }
  out << "</figcaption></figure><p>" << commas(r.joined_in_period) << " families joined between "
      << r.from.iso() << " and " << r.to.iso() << ".</p>";
  std::vector<std::pair<std::string, int64_t>> crit, probs, closed;
  for (const auto& c : r.criteria)
    crit.emplace_back(std::to_string(c.id) + ". " + c.title, c.families);
  for (size_t k = 0; k < r.problems_per_family.size(); ++k)
    probs.emplace_back(std::to_string(k) + (k == 1 ? " criterion" : " criteria"),
                       r.problems_per_family[k]);
  for (const auto& c : r.closures) closed.emplace_back(c.outcome, c.families);
  out << "<h2>Active families meeting each criterion</h2><figure>"
      << bar_chart("criteria", "Families meeting each criterion", crit, kCriteria) << "</figure>";
  out << "<h2>Problems per family</h2><figure>"
      << bar_chart("problems", "Criteria met per family", probs, kProblems) << "<figcaption>Mean "
      << num(r.mean_criteria) << " criteria and " << num(r.mean_needs)
      << " needs per active family; " << commas(r.eligible) << " meet " << esc(r.threshold)
      << ".</figcaption></figure>";
  out << "<h2>Closures by outcome</h2><figure>"
      << bar_chart("closures", "Closures by outcome", closed, kClosures) << "<figcaption>"
      << commas(r.closed_in_period) << " families closed between " << r.from.iso() << " and "
      << r.to.iso() << ".</figcaption></figure>";
  out << "<h2>Time in the programme</h2><p>Active families: median " << commas(r.median_days)
      << " days, mean " << commas(r.mean_days) << " days";
  if (r.no_join_date) out << "; " << commas(r.no_join_date) << " without a joining date";
  out << ".</p>";
  if (!r.longest.empty()) {
    out << "<table><tr><th>family</th><th>joined</th><th>days</th><th>lead agency</th></tr>";
    for (const auto& l : r.longest) {
      out << "<tr><td>" << esc(l.family_id) << "</td><td>" << esc(l.joined_on) << "</td><td>"
          << commas(l.days) << "</td><td>" << esc(l.lead_agency) << "</td></tr>";
    }
    out << "</table>";
  }
  out << caseload_table("Lead agencies", r.lead_agencies)
      << caseload_table("Lead professionals", r.lead_professionals)
      << caseload_table("Agencies working with families", r.agencies) << "</body></html>\n";
}

}  // namespace sfcohort::report
