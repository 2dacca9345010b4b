#pragma once
// A small clearance result for the report and table tests.
#include <vector>

#include "engine/clearance.hpp"

namespace siteplan::test {

// GCC 12 sees a false overlap in the short string assignments below once they are inlined here
// (GCC bug 105329, -Wrestrict).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

// Three rules (block, approval, a breakdown) and four parcels in two towns and one without.
struct ReportFixture {
  std::vector<engine::RuleLayer> rules;
  engine::ClearanceResult r;
  ReportFixture() {
    rules.resize(3);
    rules[0].id = "farmland";
    rules[0].severity = Severity::Block;
    rules[1].id = "forest";
    rules[1].severity = Severity::Approval;
    rules[2].id = "dltb";
    rules[2].severity = Severity::Info;
    rules[2].breakdown = true;
    r.rules = &rules;
    r.parcels.resize(4);
    auto& a = r.parcels[0];
    a.id = "A";
    a.area_m2 = 10000;
    a.verdict = engine::Verdict::Blocked;
    a.overlaps.resize(3);
    a.overlaps[0].rule_index = 0;
    a.overlaps[0].area_m2 = 4000;
    a.overlaps[1].rule_index = 1;
    a.overlaps[1].area_m2 = 1000;
    a.overlaps[2].rule_index = 2;
    a.overlaps[2].class_value = "0103";
    a.overlaps[2].area_m2 = 10000;
    auto& b = r.parcels[1];
    b.id = "B";
    b.area_m2 = 5000;
    b.verdict = engine::Verdict::Clear;
    auto& c = r.parcels[2];
    c.id = "C";
    c.area_m2 = 2000;
    c.verdict = engine::Verdict::Approval;
    c.overlaps.resize(1);
    c.overlaps[0].rule_index = 1;
    c.overlaps[0].area_m2 = 500;
    auto& d = r.parcels[3];
    d.id = "D";
    d.verdict = engine::Verdict::Invalid;
  }
};

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace siteplan::test
