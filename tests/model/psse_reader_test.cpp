// PSS/E input (docs/model.md, "PSS/E input"): the IEEE 14- and 57-bus RAW files (both
// revisions, the blank-delimited file, RAWX) against MATPOWER's case14/case57 under DC
// power flow; every transformer code by hand; three-winding transformers, phase shifters,
// isolated buses, substations; every malformed record named with its file, line and field.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "flow/dc_power_flow.hpp"
#include "io/input_error.hpp"
#include "model/case_data.hpp"
#include "model/targets.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

Network from_raw(const std::string& text, const std::string& name = "test.raw") {
  return build_network(parse_case(text, name));
}

// The message of the InputError that reading `text` throws ("" if none).
std::string error_of(const std::string& text, const std::string& name = "test.raw") {
  try {
    from_raw(text, name);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_CONTAINS(hay, needle) EXPECT_NE(std::string(hay).find(needle), std::string::npos) << (hay)

// A small revision-33 case: buses 1 (230 kV, swing), 2 (115 kV), 3 (13.8 kV, area 2,
// zone 3, owner 4); a load at 2; a unit at 1; line 1-2 on line 12; then `transformers`.
std::string small_case(const std::string& transformers, const std::string& bus3_type = "1",
                       const std::string& line_x = "0.1") {
  return "0, 100.0, 33, 0, 0, 60.0 / a hand-made case\n"
         "title one\n"
         "title two\n"
         "1,'ONE, A/B',230.0,3,1,1,1,1.0,0.0\n"
         "2 'TWO' 115.0 1 1 1 1 1.0 0.0 / blanks between fields\n"
         "3,'THREE',13.8," + bus3_type + ",2,3,4,1.0,0.0\n"
         "0 / END OF BUS DATA, BEGIN LOAD DATA\n"
         "2,'1',1,1,1,50.0,10.0,2.0,0.0,3.0,0.0,1\n"
         "2,'2',0,1,1,1000.0,10.0,0.0,0.0,0.0,0.0,1\n"
         "0 / END OF LOAD DATA, BEGIN FIXED SHUNT DATA\n"
         "0 / END OF FIXED SHUNT DATA, BEGIN GENERATOR DATA\n"
         "1,'1',55.0,0.0,100.0,-100.0,1.0,0,100.0,0,1,0,0,1,1,100.0,200.0,0.0\n"
         "0 / END OF GENERATOR DATA, BEGIN BRANCH DATA\n"
         "1,2,'1',0.01," + line_x + ",0.0,150.0,0,0,0,0,0,0,1\n"
         "0 / END OF BRANCH DATA, BEGIN TRANSFORMER DATA\n" +
         transformers +
         "0 / END OF TRANSFORMER DATA, BEGIN AREA DATA\n"
         "2,0,0.0,10.0,'NORTH'\n"
         "0 / END OF AREA DATA\n"
         "Q\n"
         "anything after Q is not read\n";
}

// A two-winding transformer 2-3 with the given codes and lines 2 to 4.
std::string two_winding(int cw, int cz, const std::string& z, const std::string& w1, const std::string& w2,
                        const std::string& stat = "1") {
  return "2,3,0,'T1',"  + std::to_string(cw) + "," + std::to_string(cz) + ",1,0,0,2,'STEP DOWN'," + stat + "\n" + z +
         "\n" + w1 + "\n" + w2 + "\n";
}

// ---- the reference systems ----

// MATPOWER's DC power flow of `m_case` with every generator at the RAW case's PG gives the
// RAW case's bus angles.
void expect_same_angles(const std::string& raw_file, const std::string& m_case) {
  const Network raw = load_network(test::data_path("psse/" + raw_file));
  Network mp = load_network(test::data_path("psse/" + m_case));
  ASSERT_EQ(raw.n_bus(), mp.n_bus()) << raw_file;
  ASSERT_EQ(raw.n_branch(), mp.n_branch()) << raw_file;
  ASSERT_EQ(raw.n_gen(), mp.n_gen()) << raw_file;
  for (int g = 0; g < mp.n_gen(); ++g) {
    ASSERT_EQ(raw.bus_id[raw.gen_bus[g]], mp.bus_id[mp.gen_bus[g]]) << raw_file << " generator " << g + 1;
    mp.gen_pg[g] = raw.gen_pg[g];
  }
  aggregate_bus_supply(mp);
  const PowerFlowResult a = run_dc_power_flow(raw, Balance::kSlack);
  const PowerFlowResult b = run_dc_power_flow(mp, Balance::kSlack);
  for (int i = 0; i < raw.n_bus(); ++i) {
    const int j = mp.bus_index(raw.bus_id[i]);
    ASSERT_GE(j, 0);
    EXPECT_NEAR(a.va_deg[i], b.va_deg[j], 1e-9) << raw_file << " bus " << raw.bus_id[i];
  }
}

TEST(PsseReference, Ieee14Revision35MatchesMatpower) { expect_same_angles("IEEE_14_bus_completed_rev35.raw", "case14.m"); }
TEST(PsseReference, Ieee14BlankDelimitedRevision33MatchesMatpower) {
  expect_same_angles("IEEE_14_bus_delimiter.raw", "case14.m");
}
TEST(PsseReference, Ieee57Revision33MatchesMatpower) { expect_same_angles("IEEE_57_bus.raw", "case57.m"); }
TEST(PsseReference, Ieee14RawxMatchesMatpower) { expect_same_angles("IEEE_14_bus_nodeBreaker_rev35.rawx", "case14.m"); }

TEST(PsseReference, FormatsAreToldByContent) {
  EXPECT_EQ(detect_case_format("0, 100, 33 / x\n", "case.txt"), CaseFormat::kPsseRaw);
  EXPECT_EQ(detect_case_format("//comment\n\n 0 100.0 35\n", "case"), CaseFormat::kPsseRaw);
  EXPECT_EQ(detect_case_format("  {\"network\": {}}", "case.raw"), CaseFormat::kPsseRawx);
  EXPECT_EQ(detect_case_format("function mpc = x\nmpc.baseMVA = 100;\n", "x.raw"), CaseFormat::kMatpower);
  EXPECT_EQ(detect_case_format("% it's a comment\nmpc.baseMVA = 100;\n", "x.m"), CaseFormat::kMatpower);
  EXPECT_EQ(detect_case_format("garbage\n", "x.raw"), CaseFormat::kPsseRaw);
  // A RAW file under any name is read as RAW.
  EXPECT_EQ(from_raw(small_case(""), "case.txt").n_bus(), 3);
}

TEST(PsseReference, SkippedSectionsAndUnmodelledDevicesAreNamed) {
  const Network n = load_network(test::data_path("psse/IEEE_14_bus_completed_rev35.raw"));
  std::string all;
  for (const auto& w : n.warnings) all += w + "\n";
  EXPECT_CONTAINS(all, "TWO-TERMINAL DC DATA skipped ('EATL P1', 'WATL P1')");
  EXPECT_CONTAINS(all, "FACTS CONTROL DEVICE DATA skipped ('FACTS_DVCE_1', 'FACTS_DVCE_2')");
  EXPECT_CONTAINS(all, "rev35.raw:125-126: 2 record lines of INDUCTION MACHINE DATA skipped");
  const Network five = load_network(test::data_path("psse/five_bus_nodeBreaker_rev35.raw"));
  std::string w5;
  for (const auto& w : five.warnings) w5 += w + "\n";
  EXPECT_CONTAINS(w5, "SWITCHED SHUNT DATA skipped (bus 5)");
}

// ---- records and conversions, by hand ----

TEST(PsseRecords, BusesLoadsGeneratorsAndAttributes) {
  const Network n = from_raw(small_case(""));
  ASSERT_EQ(n.n_bus(), 3);
  EXPECT_EQ(n.format, "PSS/E RAW revision 33");
  EXPECT_EQ(n.bus_name[0], "ONE, A/B");  // a quoted name keeps its comma and slash
  EXPECT_EQ(n.bus_name[1], "TWO");
  EXPECT_DOUBLE_EQ(n.bus_pd[1], 55.0);  // PL + IP + YP of the in-service load only
  EXPECT_EQ(n.bus_area[2], 2);
  EXPECT_EQ(n.bus_zone[2], 3);
  ASSERT_EQ(n.bus_owner.size(), 3u);
  EXPECT_EQ(n.bus_owner[2], 4);
  EXPECT_EQ(n.area_name.at(2), "NORTH");
  ASSERT_EQ(n.n_gen(), 1);
  EXPECT_DOUBLE_EQ(n.gen_pg[0], 55.0);
  EXPECT_DOUBLE_EQ(n.gen_pmax[0], 200.0);
  EXPECT_DOUBLE_EQ(n.gen_pmin[0], 0.0);
  EXPECT_DOUBLE_EQ(n.br_rate_a[0], 150.0);
  EXPECT_FALSE(n.has_substations);
}

TEST(PsseRecords, TwoWindingCodes) {
  struct Case {
    int cw, cz;
    const char *z, *w1, *w2;
    double x, tap;
  };
  const double kv2 = 115.0, kv3 = 13.8;
  const double r3 = 50000.0 / 50e6;  // CZ = 3: 50 kW load loss on 50 MVA
  const Case cases[] = {
      {1, 1, "0.0, 0.05, 100.0", "1.05, 0.0, 0.0, 80.0", "1.0, 0.0", 0.05, 1.05},
      {2, 1, "0.0, 0.05, 100.0", "120.75, 0.0, 0.0, 80.0", "13.8, 0.0", 0.05, (120.75 / kv2) / (13.8 / kv3)},
      {3, 1, "0.0, 0.05, 100.0", "1.05, 110.0, 0.0, 80.0", "1.0, 13.2", 0.05,
       (1.05 * 110.0 / kv2) / (1.0 * 13.2 / kv3)},
      {1, 2, "0.0, 0.05, 50.0", "1.0, 0.0, 0.0, 80.0", "1.0, 0.0", 0.05 * 100.0 / 50.0, 1.0},
      {3, 2, "0.0, 0.05, 50.0", "1.0, 110.0, 0.0, 80.0", "1.0, 0.0", 0.05 * 2.0 * (110.0 / kv2) * (110.0 / kv2),
       110.0 / kv2},
      {1, 3, "50000.0, 0.05, 50.0", "1.0, 0.0, 0.0, 80.0", "1.0, 0.0", std::sqrt(0.05 * 0.05 - r3 * r3) * 2.0, 1.0},
  };
  for (const Case& c : cases) {
    const Network n = from_raw(small_case(two_winding(c.cw, c.cz, c.z, c.w1, c.w2)));
    ASSERT_EQ(n.n_branch(), 2);
    const std::string what = "CW " + std::to_string(c.cw) + " CZ " + std::to_string(c.cz);
    EXPECT_NEAR(n.br_x[1], c.x, 1e-15) << what;
    EXPECT_NEAR(n.br_tap[1], c.tap, 1e-15) << what;
    EXPECT_NEAR(n.br_b[1], 1.0 / (c.x * c.tap), 1e-9) << what;
    EXPECT_DOUBLE_EQ(n.br_rate_a[1], 80.0) << what;
    EXPECT_EQ(n.bus_id[n.br_from[1]], 2);
    EXPECT_EQ(n.bus_id[n.br_to[1]], 3);
  }
}

TEST(PsseRecords, PhaseShifter) {
  const Network n = from_raw(small_case(two_winding(1, 1, "0.0, 0.05", "1.0, 0.0, -7.5, 80.0", "1.0, 0.0")));
  EXPECT_NEAR(n.br_shift_rad[1], -7.5 * kDeg, 1e-15);
  ASSERT_EQ(n.shifted_branches.size(), 1u);
  // The phase-shifting transformer of the PowSyBl test: 21.7 MW from bus 1 to bus 2
  // through x = 0.20912, ratio 0.978 and a 2 degree shift, so
  // theta_2 = -2 deg - 0.217 * x * ratio (rad).
  const Network p = load_network(test::data_path("psse/TwoWindingsTransformerPhase.raw"));
  const PowerFlowResult r = run_dc_power_flow(p, Balance::kSlack);
  EXPECT_NEAR(r.va_deg[1], -2.0 - 0.217 * 0.20912 * 0.978 / kDeg, 1e-9);
}

TEST(PsseRecords, ThreeWindingWithOneWindingOut) {
  const std::string t3 =
      "1,2,3,'1',1,1,1,0,0,2,'TERTIARY',2\n"
      "0.0,0.1,100.0, 0.0,0.2,100.0, 0.0,0.15,100.0, 1.01,-3.0\n"
      "1.02,0.0,1.5,100.0\n"
      "0.98,0.0,0.0,200.0\n"
      "1.0,0.0,-2.0,300.0\n";
  const Network n = from_raw(small_case(t3));
  ASSERT_EQ(n.n_bus(), 4);
  EXPECT_EQ(n.bus_id[3], 4);  // the star bus: one above the highest bus number
  EXPECT_EQ(n.bus_name[3], "TERTIARY");
  EXPECT_TRUE(n.bus_in_service[3]);
  EXPECT_DOUBLE_EQ(n.bus_va_deg[3], -3.0);
  ASSERT_EQ(n.n_branch(), 4);  // the line, then windings 1, 2, 3
  const double x[] = {(0.1 + 0.15 - 0.2) / 2, (0.1 + 0.2 - 0.15) / 2, (0.15 + 0.2 - 0.1) / 2};
  const double tap[] = {1.02, 0.98, 1.0}, shift[] = {1.5, 0.0, -2.0}, rate[] = {100.0, 200.0, 300.0};
  const int bus[] = {1, 2, 3};
  for (int k = 0; k < 3; ++k) {
    const int e = 1 + k;
    EXPECT_EQ(n.bus_id[n.br_from[e]], bus[k]);
    EXPECT_EQ(n.bus_id[n.br_to[e]], 4);
    EXPECT_NEAR(n.br_x[e], x[k], 1e-15);
    EXPECT_DOUBLE_EQ(n.br_tap[e], tap[k]);
    EXPECT_NEAR(n.br_shift_rad[e], shift[k] * kDeg, 1e-15);
    EXPECT_DOUBLE_EQ(n.br_rate_a[e], rate[k]);
    EXPECT_EQ(n.br_in_service[e], k != 1) << "STAT = 2 takes winding 2 out";
  }
  // STAT = 0: the star bus is isolated and every winding out.
  std::string off = t3;
  off.replace(off.find("'TERTIARY',2"), 12, "'TERTIARY',0");
  const Network o = from_raw(small_case(off));
  EXPECT_FALSE(o.bus_in_service[3]);
  for (int e = 1; e < 4; ++e) EXPECT_FALSE(o.br_in_service[e]);
}

TEST(PsseRecords, ThreeWindingCodesOfThePowsyblCase) {
  // Buses 4 (500 kV), 2 (18 kV), 7 (16 kV); CW = 2 (kV), CZ = 3 (load loss W, |Z|).
  const Network n = load_network(test::data_path("psse/ThreeMIB_T3W_phase.raw"));
  ASSERT_EQ(n.n_bus(), 8);
  ASSERT_EQ(n.n_branch(), 7);  // 2 lines, 2 two-winding, 3 windings
  EXPECT_EQ(n.bus_name[7], "AEPTM1T");
  auto z = [](double loss_w, double zmag, double sbase_w, double nomv, double kv) {
    const double r = loss_w / (1e6 * sbase_w);
    return std::sqrt(zmag * zmag - r * r) * 100.0 / sbase_w * (nomv / kv) * (nomv / kv);
  };
  const double x12 = z(3.34279e5, 0.13432, 440, 500, 500), x23 = z(2.62298e5, 0.20807, 280, 18, 18),
               x31 = z(1515, 0.10652, 160, 15.998, 16);
  const double x[] = {(x12 + x31 - x23) / 2, (x12 + x23 - x31) / 2, (x31 + x23 - x12) / 2};
  const double tap[] = {500.0 / 500.0, 18.237 / 18.0, 15.998 / 16.0};
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(n.br_x[4 + k], x[k], 1e-12) << "winding " << k + 1;
    EXPECT_NEAR(n.br_tap[4 + k], tap[k], 1e-15) << "winding " << k + 1;
  }
  EXPECT_NEAR(n.br_shift_rad[4], 2.0 * kDeg, 1e-15);
  // The two-winding transformer 1-4 (CW = 1, CZ = 1) keeps its x and ratio.
  EXPECT_DOUBLE_EQ(n.br_x[2], 0.00641);
  EXPECT_DOUBLE_EQ(n.br_tap[2], 1.0);
}

TEST(PsseRecords, IsolatedBusIsOutOfService) {
  const Network n = from_raw(small_case(two_winding(1, 1, "0.0, 0.05", "1.0, 0.0, 0.0, 0.0", "1.0"), "4"));
  EXPECT_FALSE(n.bus_in_service[2]);
  EXPECT_FALSE(n.br_in_service[1]);  // the transformer to it
  EXPECT_TRUE(n.br_in_service[0]);
}

TEST(PsseRecords, Revision34IsReadAsRevision35) {
  std::string text = read_case_text(test::data_path("psse/five_bus_nodeBreaker_rev35.raw"));
  text.replace(0, text.find('\n'), "0,100.0,34,0,0,60.0");
  const Network n34 = build_network(parse_case(text, "five34.raw"));
  const Network n35 = load_network(test::data_path("psse/five_bus_nodeBreaker_rev35.raw"));
  EXPECT_EQ(n34.n_bus(), n35.n_bus());
  EXPECT_EQ(n34.br_x, n35.br_x);
  EXPECT_EQ(n34.substation_name, n35.substation_name);
}

// ---- substations ----

TEST(PsseSubstations, Revision35SubstationsAreTargets) {
  const Network n = load_network(test::data_path("psse/five_bus_nodeBreaker_rev35.raw"));
  ASSERT_TRUE(n.has_substations);
  ASSERT_EQ(n.substation_name.size(), 5u);
  // Branch rows: the line, the two-winding transformer, the three windings to star bus 6.
  ASSERT_EQ(n.n_branch(), 5);
  EXPECT_EQ(n.bus_id[n.br_to[1]], 3);
  for (int e = 2; e < 5; ++e) EXPECT_EQ(n.bus_id[n.br_to[e]], 6);
  const TargetSet t = make_targets(n, "substations");
  ASSERT_EQ(t.size(), 5);
  EXPECT_EQ(t.name[0], "STATION 1");
  // STATION 1 holds bus 1 and the star bus of the transformer whose winding 1 is at bus 1.
  EXPECT_EQ(t.element_names(n, 0), (std::vector<std::string>{"bus:1", "bus:6"}));
  EXPECT_EQ(t.element_names(n, 3), (std::vector<std::string>{"bus:4"}));
  EXPECT_EQ(t.name[4], "STATION 5");

  const Network x = load_network(test::data_path("psse/IEEE_14_bus_nodeBreaker_rev35.rawx"));
  const TargetSet tx = make_targets(x, "substations,branch");
  EXPECT_EQ(tx.name[0], "STATION 1");
  EXPECT_EQ(tx.element_names(x, 0), (std::vector<std::string>{"bus:1"}));
  EXPECT_EQ(tx.element_names(x, 1), (std::vector<std::string>{"bus:2"}));
  EXPECT_EQ(tx.class_size(TargetClass::kBus), 2);  // buses in no substation are not targets
}

TEST(PsseSubstations, CaseWithoutSubstationDataIsAnError) {
  const Network n = load_network(test::data_path("psse/IEEE_57_bus.raw"));
  try {
    make_targets(n, "substations");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "has no substation data");
    EXPECT_CONTAINS(e.what(), "revision 35");
  }
  EXPECT_THROW(make_targets(n, "substations,bus"), InputError);
}

// ---- the MATPOWER form sre convert writes ----

TEST(PsseConvert, MatpowerTextReadsBackToTheSameNetwork) {
  for (const char* file : {"IEEE_57_bus.raw", "ThreeMIB_T3W_phase.raw", "five_bus_nodeBreaker_rev35.raw"}) {
    const CaseData d = read_case(test::data_path(std::string("psse/") + file));
    const Network a = build_network(d);
    const Network b = build_network(parse_matpower_case(write_matpower_case(d, "converted"), "converted.m"));
    EXPECT_EQ(a.bus_id, b.bus_id) << file;
    EXPECT_EQ(a.br_x, b.br_x) << file;
    EXPECT_EQ(a.br_b, b.br_b) << file;
    EXPECT_EQ(a.br_shift_rad, b.br_shift_rad) << file;
    EXPECT_EQ(a.br_in_service, b.br_in_service) << file;
    EXPECT_EQ(a.bus_demand, b.bus_demand) << file;
    EXPECT_EQ(a.gen_pg, b.gen_pg) << file;
    EXPECT_EQ(a.bus_name, b.bus_name) << file;
    EXPECT_EQ(run_dc_power_flow(a, Balance::kSlack).va_deg, run_dc_power_flow(b, Balance::kSlack).va_deg) << file;
  }
}

// ---- malformed input: file, line, record, field and what to do ----

TEST(PsseErrors, ZeroImpedanceBranch) {
  const std::string e = error_of(small_case("", "1", "0.0"));
  EXPECT_CONTAINS(e, "test.raw:14: branch record, field X: branch 1-2 circuit '1' has X = 0");
  EXPECT_CONTAINS(e, "set its status ST to 0");
  // Out of service, it is accepted.
  std::string text = small_case("", "1", "0.0");
  text.replace(text.find("0,0,0,0,0,0,1\n"), 14, "0,0,0,0,0,0,0\n");
  EXPECT_EQ(error_of(text), "");
}

TEST(PsseErrors, TransformerWithZeroReactance) {
  const std::string e = error_of(small_case(two_winding(1, 1, "0.01, 0.0", "1.0, 0.0, 0.0, 0.0", "1.0")));
  EXPECT_CONTAINS(e, "test.raw:17: transformer record, field X1-2: transformer 2-3 circuit 'T1' has X = 0");
  const std::string t3 = error_of(small_case(
      "1,2,3,'1',1,1,1,0,0,2,'',1\n0.0,0.1,100.0,0.0,0.2,100.0,0.0,0.1,100.0\n1,0,0,0\n1,0,0,0\n1,0,0,0\n"));
  EXPECT_CONTAINS(t3, "test.raw:17: transformer record, field X1-2: three-winding transformer 1-2-3 circuit '1': the star "
                      "reactance of winding 1");
}

TEST(PsseErrors, MalformedRecords) {
  struct Case {
    std::string text, expected;
  };
  std::string few = small_case("");
  few.replace(few.find("2,'1',1,1,1,50.0"), 16, "2,'1',1,1");
  few.replace(few.find(",10.0,2.0,0.0,3.0,0.0,1\n"), 24, "\n");
  std::string unknown_bus = small_case("");
  unknown_bus.replace(unknown_bus.find("1,2,'1',0.01"), 12, "1,9,'1',0.01");
  std::string bad_number = small_case("");
  bad_number.replace(bad_number.find("55.0,0.0"), 8, "5x5,0.0");
  std::string unclosed = small_case("");
  unclosed.replace(unclosed.find("'THREE'"), 7, "'THREE");
  std::string change = small_case("");
  change.replace(0, 1, "1");
  std::string no_rev = "0, 100.0 / no revision\n";
  std::string rev32 = small_case("");
  rev32.replace(rev32.find(", 33,"), 5, ", 32,");
  std::string dup = small_case("");
  dup.replace(dup.find("3,'THREE'"), 9, "2,'THREE'");
  std::string bad_cw = small_case(two_winding(4, 1, "0.0, 0.05", "1.0, 0.0, 0.0, 0.0", "1.0"));
  std::string bad_ide = small_case("", "7");
  const Case cases[] = {
      {few, "test.raw:8: load record, field PL: the record has 4 fields, but PL is field 6"},
      {unknown_bus, "test.raw:14: branch record, field J: bus 9 is not in the BUS DATA"},
      {bad_number, "test.raw:12: generator record, field PG: '5x5' is not a number"},
      {unclosed, "test.raw:6: a quoted name is not closed"},
      {change, "test.raw:1: case identification record, field IC: IC = 1 marks a change case"},
      {no_rev, "test.raw:1: case identification record, field REV: the record gives no revision"},
      {rev32, "test.raw:1: case identification record, field REV: revision 32 is not supported"},
      {dup, "test.raw:6: bus record, field I: bus 2 is defined twice (first on line 5)"},
      {bad_cw, "test.raw:16: transformer record, field CW: CW must be 1, 2 or 3, got 4"},
      {bad_ide, "test.raw:6: bus record, field IDE: IDE must be 1"},
      {small_case("2,3,0,'1',1,1,1,0,0,2,'',1\n0.0,0.05\n1.0\n"),
       "the two-winding transformer record that starts on line 16 ends after 3 of its 4 lines"},
      {"", "test.raw: the file is empty"},
      {"garbage here\n", "test.raw:1: the first record is not a PSS/E case identification record"},
      {std::string("0, 100, 33\0", 11), "contains a NUL byte"},
  };
  for (const Case& c : cases) EXPECT_CONTAINS(error_of(c.text), c.expected) << " expected: " << c.expected;
}

TEST(PsseErrors, RawxErrorsNameTheTableRowAndField) {
  EXPECT_CONTAINS(error_of("{\"network\": {\n \"caseid\": \n}}", "x.rawx"), "x.rawx:3: not valid JSON");
  const std::string base = R"({"network": {"caseid": {"fields": ["ic", "sbase", "rev"], "data": [0, 100.0, 35]},
    "bus": {"fields": ["ibus", "name", "baskv", "ide"], "data": [[1, "A", 230, 3], [2, "B", 230, 1]]},
    "acline": {"fields": ["ibus", "jbus", "ckt", "rpu", "xpu"], "data": [[1, 3, "1", 0.0, 0.1]]}}})";
  EXPECT_CONTAINS(error_of(base, "x.rawx"), "x.rawx: RAWX table 'acline', row 1, field jbus: bus 3 is not in the BUS DATA");
}

}  // namespace
}  // namespace sre
