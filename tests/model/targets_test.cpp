// Targets (model section 3): the classes bus, branch and generator, their order and
// names, unions, element,target files (class rule, their targets first, the elements
// they take skipped by the classes' own targets), every input error with its file and
// line, and the weights of element targets (model section 4).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "io/input_error.hpp"
#include "model/targets.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

// Buses 10 (reference), 20, 30, 40, 50 (type 4: out of service), 60.
// Generators (rows): 1 at 10 (Pg 60, Pmax 100); 2 at 20 (Pg 40, Pmax 80); 3 at 20 out of
// service; 4 at 30 with Pg -5 (a demand); 5 at 40 (Pg 20, Pmax 30); 6 at 60 (Pg 25, Pmax 40).
// Branches (rows): 1 10-20; 2 10-30; 3 20-30 out of service; 4 30-40; 5 20-40 (tap 0.95);
// 6 40-50 (its end is out of service); 7 20-60 (tap 1.05: a step-up transformer).
// Demand: 10 MW at 20, 70 MW (+5 from generator 4) at 30, 50 MW at 40.
const char* kElements6 = R"(
function mpc = elements6
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
  10 3 0  0 0 0 1 1 0 230 1 1.1 0.9;
  20 2 10 0 0 0 1 1 0 230 1 1.1 0.9;
  30 1 70 0 0 0 1 1 0 230 1 1.1 0.9;
  40 2 50 0 0 0 1 1 0 230 1 1.1 0.9;
  50 4 0  0 0 0 1 1 0 230 1 1.1 0.9;
  60 2 0  0 0 0 1 1 0 20  1 1.1 0.9;
];
mpc.gen = [
  10 60 0 100 -100 1 100 1 100 0;
  20 40 0 100 -100 1 100 1 80  0;
  20 10 0 100 -100 1 100 0 50  0;
  30 -5 0 100 -100 1 100 1 0   -10;
  40 20 0 100 -100 1 100 1 30  0;
  60 25 0 100 -100 1 100 1 40  0;
];
mpc.branch = [
  10 20 0 0.1 0 0 0 0 0    0 1 -360 360;
  10 30 0 0.1 0 0 0 0 0    0 1 -360 360;
  20 30 0 0.1 0 0 0 0 0    0 0 -360 360;
  30 40 0 0.1 0 0 0 0 0    0 1 -360 360;
  20 40 0 0.1 0 0 0 0 0.95 0 1 -360 360;
  40 50 0 0.1 0 0 0 0 0    0 1 -360 360;
  20 60 0 0.1 0 0 0 0 1.05 0 1 -360 360;
];
)";

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}

std::vector<std::string> classes(const TargetSet& t) {
  std::vector<std::string> out;
  for (TargetClass c : t.target_class) out.emplace_back(to_string(c));
  return out;
}

std::vector<std::vector<std::string>> elements(const Network& net, const TargetSet& t) {
  std::vector<std::vector<std::string>> out;
  for (int k = 0; k < t.size(); ++k) out.push_back(t.element_names(net, k));
  return out;
}

// The targets' CSR is consistent: offsets, target_of_bus, class ranges.
void expect_consistent(const Network& net, const TargetSet& t) {
  const int n = t.size();
  ASSERT_EQ(static_cast<int>(t.offset.size()), n + 1);
  ASSERT_EQ(static_cast<int>(t.branch_offset.size()), n + 1);
  ASSERT_EQ(static_cast<int>(t.gen_offset.size()), n + 1);
  ASSERT_EQ(static_cast<int>(t.target_class.size()), n);
  EXPECT_EQ(t.offset[n], static_cast<int>(t.buses.size()));
  EXPECT_EQ(t.branch_offset[n], static_cast<int>(t.branches.size()));
  EXPECT_EQ(t.gen_offset[n], static_cast<int>(t.gens.size()));
  std::vector<int> owner(net.n_bus(), -1);
  for (int k = 0; k < n; ++k)
    for (int p = t.offset[k]; p < t.offset[k + 1]; ++p) owner[t.buses[p]] = k;
  EXPECT_EQ(owner, t.target_of_bus);
  EXPECT_EQ(t.class_begin[0], 0);
  EXPECT_EQ(t.class_begin[kTargetClasses], n);
  for (int c = 0; c < kTargetClasses; ++c)
    for (int k = t.class_begin[c]; k < t.class_begin[c + 1]; ++k)
      EXPECT_EQ(static_cast<int>(t.target_class[k]), c) << "target " << t.name[k];
}

TEST(Targets, EachClassAlone) {
  const Network net = test::network_from_text(kElements6);
  const TargetSet bus = make_targets(net, "bus");
  EXPECT_EQ(bus.name, (std::vector<std::string>{"10", "20", "30", "40", "60"}));  // bus 50 is out of service
  EXPECT_EQ(classes(bus), std::vector<std::string>(5, "bus"));
  expect_consistent(net, bus);

  // In-service branch rows only: row 3 has status 0, row 6 an out-of-service end.
  const TargetSet branch = make_targets(net, "branch");
  EXPECT_EQ(branch.name, (std::vector<std::string>{"branch:1", "branch:2", "branch:4", "branch:5", "branch:7"}));
  EXPECT_EQ(branch.class_size(TargetClass::kBranch), 5);
  EXPECT_EQ(branch.class_size(TargetClass::kBus), 0);
  EXPECT_EQ(branch.branches, (std::vector<int>{0, 1, 3, 4, 6}));
  EXPECT_EQ(branch.target_of_bus, std::vector<int>(6, -1));  // a cut destroys no bus
  expect_consistent(net, branch);

  // In-service units with Pg >= 0: row 3 is out of service, row 4 (Pg -5) a demand.
  const TargetSet gen = make_targets(net, "generator");
  EXPECT_EQ(gen.name, (std::vector<std::string>{"gen:1", "gen:2", "gen:5", "gen:6"}));
  EXPECT_EQ(gen.gens, (std::vector<int>{0, 1, 4, 5}));
  EXPECT_EQ(gen.class_begin, (std::array<int, 4>{0, 0, 0, 4}));
  expect_consistent(net, gen);
}

TEST(Targets, UnionsAreOrderedByClassWhateverTheOrderGiven) {
  const Network net = test::network_from_text(kElements6);
  const std::vector<std::string> all = {"10",       "20",       "30",       "40",     "60",     "branch:1",
                                        "branch:2", "branch:4", "branch:5", "branch:7", "gen:1", "gen:2",
                                        "gen:5",    "gen:6"};
  for (const char* spec : {"bus,branch,generator", "generator,branch,bus", "branch, generator ,bus"}) {
    const TargetSet t = make_targets(net, spec);
    EXPECT_EQ(t.name, all) << spec;
    EXPECT_EQ(t.kind, spec);
    EXPECT_EQ(t.class_begin, (std::array<int, 4>{0, 5, 10, 14})) << spec;
    expect_consistent(net, t);
    // Each target holds its one element.
    EXPECT_EQ(t.element_names(net, 0), (std::vector<std::string>{"bus:10"}));
    EXPECT_EQ(t.element_names(net, 8), (std::vector<std::string>{"branch:5"}));
    EXPECT_EQ(t.element_names(net, 12), (std::vector<std::string>{"gen:5"}));
    EXPECT_EQ(t.find("gen:6"), 13);
    EXPECT_EQ(t.find("branch:3"), -1);
  }
  const TargetSet bg = make_targets(net, "generator,bus");
  EXPECT_EQ(bg.class_begin, (std::array<int, 4>{0, 5, 5, 9}));
  EXPECT_EQ(bg.name[5], "gen:1");
  // Transformer groups: 20, 40 (row 5) and 60 (row 7) form one substation.
  const TargetSet tg = make_targets(net, "transformer-groups,branch");
  EXPECT_EQ(tg.name, (std::vector<std::string>{"10", "20+40+60", "30", "branch:1", "branch:2", "branch:4", "branch:5",
                                               "branch:7"}));
  EXPECT_EQ(tg.target_of_bus, (std::vector<int>{0, 1, 2, 1, -1, 1}));
}

TEST(Targets, ElementFileClassesOrderAndSkippedElements) {
  const Network net = test::network_from_text(kElements6);
  // plantF: a unit and its step-up transformer (class generator); subD: a bus with its unit
  // and a transformer (class bus); cutA: two lines (class branch), listed in reverse row order.
  const std::string file = write_file("plants.csv",
                                      "element,target\n"
                                      "gen:6,plantF\n"
                                      "branch:7,plantF\n"
                                      "bus:40,subD\n"
                                      "# a comment line\n"
                                      "gen:5,subD\n"
                                      "branch:5,subD\n"
                                      "branch:4,cutA\n"
                                      "branch:1,cutA\n");
  const TargetSet t = make_targets(net, file + ",bus,branch,generator");
  expect_consistent(net, t);
  // Per class: the file's targets first (file order), then the class's own, without the
  // elements the file took (bus 40; branches 1, 4, 5, 7; units 5, 6).
  EXPECT_EQ(t.name, (std::vector<std::string>{"subD", "10", "20", "30", "60", "cutA", "branch:2", "plantF", "gen:1",
                                              "gen:2"}));
  EXPECT_EQ(classes(t), (std::vector<std::string>{"bus", "bus", "bus", "bus", "bus", "branch", "branch", "generator",
                                                  "generator", "generator"}));
  EXPECT_EQ(t.class_begin, (std::array<int, 4>{0, 5, 7, 10}));
  const std::vector<std::vector<std::string>> expect = {
      {"bus:40", "branch:5", "gen:5"}, {"bus:10"}, {"bus:20"}, {"bus:30"}, {"bus:60"},
      {"branch:1", "branch:4"},        {"branch:2"},
      {"branch:7", "gen:6"},           {"gen:1"},  {"gen:2"}};
  EXPECT_EQ(elements(net, t), expect);
  EXPECT_EQ(t.target_of_bus, (std::vector<int>{1, 2, 3, 0, -1, 4}));

  // The file alone: its targets only, in class order.
  const TargetSet alone = make_targets(net, file);
  EXPECT_EQ(alone.name, (std::vector<std::string>{"subD", "cutA", "plantF"}));
  EXPECT_EQ(alone.class_begin, (std::array<int, 4>{0, 1, 2, 3}));
  EXPECT_EQ(alone.target_of_bus, (std::vector<int>{-1, -1, -1, 0, -1, -1}));
  // With only the generator class: the classes the union lacks still hold the file's targets.
  const TargetSet gen = make_targets(net, "generator," + file);
  EXPECT_EQ(gen.name, (std::vector<std::string>{"subD", "cutA", "plantF", "gen:1", "gen:2"}));

  // A branch-only target is of class branch, a unit-only one of class generator.
  const std::string small = write_file("small.csv", "element,target\ngen:2,G\nbranch:2,L\n");
  const TargetSet s = make_targets(net, small + ",bus");
  EXPECT_EQ(s.name, (std::vector<std::string>{"10", "20", "30", "40", "60", "L", "G"}));
  EXPECT_EQ(s.target_class[5], TargetClass::kBranch);
  EXPECT_EQ(s.target_class[6], TargetClass::kGenerator);
  // Transformer groups skip a bus the file takes and keep the rest of the group.
  const std::string one_bus = write_file("one_bus.csv", "element,target\nbus:40,D\n");
  EXPECT_EQ(make_targets(net, "transformer-groups," + one_bus).name,
            (std::vector<std::string>{"D", "10", "20+60", "30"}));
  // A bus_id,substation file beside an element,target file.
  const std::string subs = write_file("subs.csv", "bus_id,substation\n10,North\n20,South\n30,North\n");
  const TargetSet both = make_targets(net, subs + "," + small + ",branch");
  EXPECT_EQ(both.name, (std::vector<std::string>{"North", "South", "L", "branch:1", "branch:4", "branch:5", "branch:7",
                                                 "G"}));
  EXPECT_EQ(both.element_names(net, 0), (std::vector<std::string>{"bus:10", "bus:30"}));
}

// What make_targets refuses, as "message" (InputError::what()), and its file and line.
struct Refusal {
  std::string what, file;
  int line = -1;
};
Refusal refusal(const Network& net, const std::string& spec) {
  try {
    make_targets(net, spec);
  } catch (const InputError& e) {
    return {e.what(), e.file(), e.line()};
  }
  return {"(accepted)", "", -1};
}

TEST(Targets, ElementFileErrorsNameFileAndLine) {
  const Network net = test::network_from_text(kElements6);
  struct Case {
    const char* row;
    const char* says;
  };
  const Case cases[] = {
      {"line:3,A", "element 'line:3': write bus:ID (a bus id), branch:ROW or gen:ROW"},
      {"3,A", "element '3': write bus:ID"},
      {"branch:x,A", "element 'branch:x': 'x' is not a whole number"},
      {"gen:2.5,A", "element 'gen:2.5': '2.5' is not a whole number"},
      {"branch:0,A", "element 'branch:0': the case has branch rows 1 to 7"},
      {"branch:8,A", "element 'branch:8': the case has branch rows 1 to 7"},
      {"gen:7,A", "element 'gen:7': the case has generator rows 1 to 6"},
      {"bus:99,A", "element 'bus:99': no bus has id 99"},
      {"bus:50,A", "element 'bus:50': the bus is out of service and cannot be a target"},
      {"branch:3,A", "element 'branch:3': the branch is out of service and cannot be a target"},
      {"branch:6,A", "element 'branch:6': the branch is out of service and cannot be a target"},
      {"gen:3,A", "element 'gen:3': the generator is out of service and cannot be a target"},
      {"gen:4,A", "element 'gen:4': the generator has Pg < 0, a demand (model section 1), never a target"},
      {"gen:2,", "empty target name"},
  };
  int n = 0;
  for (const Case& c : cases) {
    // The bad row is the third line (header, one good row, the bad one).
    const std::string file = write_file("bad" + std::to_string(n++) + ".csv",
                                        std::string("element,target\nbus:10,ok\n") + c.row + "\n");
    const Refusal r = refusal(net, file + ",branch");
    EXPECT_EQ(r.file, file) << c.row;
    EXPECT_EQ(r.line, 3) << c.row;
    EXPECT_EQ(r.what.rfind(file + ":3: " + c.says, 0), 0u) << c.row << ": " << r.what;
  }
  // Listed twice: the second listing's line, whichever targets hold them.
  const std::string twice = write_file("twice.csv", "element,target\ngen:2,A\nbranch:1,B\n\ngen:2,B\n");
  const Refusal t = refusal(net, twice);
  EXPECT_EQ(t.line, 5);
  EXPECT_EQ(t.what, twice + ":5: element gen:2 is listed twice; an element belongs to one target");
  // A bus in both an element,target file and a bus_id,substation file: the substation file's line.
  const std::string els = write_file("els.csv", "element,target\nbus:20,P\n");
  const std::string subs = write_file("subs2.csv", "bus_id,substation\n10,N\n20,S\n");
  const Refusal b = refusal(net, els + "," + subs);
  EXPECT_EQ(b.file, subs);
  EXPECT_EQ(b.line, 3);
  // An empty file names the file.
  const std::string empty = write_file("empty.csv", "element,target\n");
  EXPECT_NE(refusal(net, empty).what.find(empty), std::string::npos);
}

TEST(Targets, SpecErrorsNameTheOption) {
  const Network net = test::network_from_text(kElements6);
  const std::string subs = write_file("subs3.csv", "bus_id,substation\n10,N\n");
  const std::string els = write_file("els3.csv", "element,target\nbranch:1,L\n");
  const std::string els2 = write_file("els4.csv", "element,target\nbranch:2,M\n");
  EXPECT_EQ(refusal(net, "bus,transformer-groups").what,
            "--targets bus,transformer-groups: 'bus' and 'transformer-groups' both define the substations; choose one");
  EXPECT_NE(refusal(net, subs + ",bus").what.find("both define the substations"), std::string::npos);
  EXPECT_NE(refusal(net, "bus," + subs).what.find("both define the substations"), std::string::npos);
  EXPECT_NE(refusal(net, els + "," + els2).what.find("two element,target files"), std::string::npos);
  const Refusal lines = refusal(net, "bus,lines");
  EXPECT_NE(lines.what.find("'lines' is not a target class or a .csv file"), std::string::npos) << lines.what;
  EXPECT_NE(refusal(net, "bus,").what.find("'' is not a target class"), std::string::npos);
  EXPECT_EQ(refusal(net, "bus,branch,generator").what, "(accepted)");
}

TEST(Targets, DuplicateTargetNamesAreRefused) {
  const Network net = test::network_from_text(kElements6);
  // A file's target named like a class's own target.
  const std::string clash = write_file("clash.csv", "element,target\nbranch:1,L\nbranch:2,branch:7\n");
  const Refusal r = refusal(net, clash + ",branch");
  EXPECT_NE(r.what.find("two targets are named 'branch:7'"), std::string::npos) << r.what;
  EXPECT_EQ(r.file, clash);
  EXPECT_EQ(r.line, 3);
  // Without the branch class there is no clash.
  EXPECT_EQ(refusal(net, clash).what, "(accepted)");
  // A file's bus target named like a bus id of the bus class.
  const std::string bus_clash = write_file("bus_clash.csv", "element,target\n\nbus:40,10\n");
  const Refusal b = refusal(net, bus_clash + ",bus");
  EXPECT_NE(b.what.find("two targets are named '10'"), std::string::npos) << b.what;
  EXPECT_EQ(b.file, bus_clash);
  EXPECT_EQ(b.line, 3);
  // A substation of a bus_id,substation file named like a target of the element file.
  const std::string subs = write_file("subs4.csv", "bus_id,substation\n10,N\n20,P\n");
  const std::string plant = write_file("plant4.csv", "element,target\ngen:5,P\n");
  const Refusal s = refusal(net, subs + "," + plant);
  EXPECT_NE(s.what.find("two targets are named 'P'"), std::string::npos) << s.what;
  EXPECT_FALSE(s.file.empty()) << s.what;
  EXPECT_GT(s.line, 0) << s.what;
}

TEST(Targets, ParseElementWithoutAFileNamesTheElement) {
  const Network net = test::network_from_text(kElements6);
  EXPECT_EQ(parse_element(net, "bus:40", "", 0).index, 3);
  EXPECT_EQ(parse_element(net, "bus:40", "", 0).kind, TargetClass::kBus);
  EXPECT_EQ(parse_element(net, "branch:7", "", 0).index, 6);
  EXPECT_EQ(parse_element(net, "gen:1", "", 0).kind, TargetClass::kGenerator);
  try {
    parse_element(net, "gen:4", "", 0);
    FAIL() << "accepted a unit with Pg < 0";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 0);
    EXPECT_EQ(std::string(e.what()).rfind("element 'gen:4': ", 0), 0u) << e.what();
  }
  EXPECT_EQ(parse_target_class("gen", "--k"), TargetClass::kGenerator);
  EXPECT_THROW(parse_target_class("line", "--k"), InputError);
}

// Model section 4: degree counts the in-service branch rows at a target's buses and its own
// branches, each once; demand its buses' demand; generation the capacity at its buses plus its
// own units'; throughput the |base flow| of the branches degree counts.
TEST(Targets, WeightsOfElementTargets) {
  const Network net = test::network_from_text(kElements6);
  const std::string file = write_file("plants_w.csv",
                                      "element,target\n"
                                      "gen:6,plantF\nbranch:7,plantF\n"
                                      "bus:40,subD\ngen:5,subD\nbranch:5,subD\n"
                                      "branch:4,cutA\nbranch:1,cutA\n");
  const TargetSet t = make_targets(net, file + ",bus,branch,generator");
  ASSERT_EQ(t.name, (std::vector<std::string>{"subD", "10", "20", "30", "60", "cutA", "branch:2", "plantF", "gen:1",
                                              "gen:2"}));
  // Flows 2^row-1 MW (sign alternating) identify the branches each sum holds; row 3 is
  // out of service and never counts.
  std::vector<double> flow = {1, -2, 4, -8, 16, -32, 64};
  EXPECT_EQ(target_weights(net, t, WeightKind::kDegree, flow),
            (std::vector<double>{2, 2, 3, 2, 1, 2, 1, 1, 0, 0}));
  EXPECT_EQ(target_weights(net, t, WeightKind::kThroughput, flow),
            (std::vector<double>{8 + 16, 1 + 2, 1 + 16 + 64, 2 + 8, 64, 1 + 8, 2, 64, 0, 0}));
  // Demand: 40 holds 50 MW; 20 10 MW; 30 70 MW + 5 MW of generator 4 (Pg < 0).
  EXPECT_EQ(target_weights(net, t, WeightKind::kDemand, flow), (std::vector<double>{50, 0, 10, 75, 0, 0, 0, 0, 0, 0}));
  // Generation: subD's unit sits at its bus (counted once); plantF's unit at bus 60, which
  // is the bus target 60's too; max(Pmax, Pg) per unit; generator 3 is out of service.
  EXPECT_EQ(target_weights(net, t, WeightKind::kGeneration, flow),
            (std::vector<double>{30, 100, 80, 0, 40, 0, 0, 40, 100, 80}));
  // Bus targets alone keep the weights they always had.
  const TargetSet bus = make_targets(net, "bus");
  EXPECT_EQ(target_weights(net, bus, WeightKind::kDegree, flow), (std::vector<double>{2, 3, 2, 2, 1}));
  EXPECT_EQ(target_weights(net, bus, WeightKind::kGeneration, flow), (std::vector<double>{100, 80, 0, 30, 40}));
}

}  // namespace
}  // namespace sre
