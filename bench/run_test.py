#!/usr/bin/env python3
"""Unit tests of bench/run: its pure parts (SIZES, statistics, verdicts,
ratio tables, SVG) and, with tiny fake VMs written as shell scripts, the
process runner (timeouts, exit codes, peak RSS) and the interleaved loop.

Run with `python3 bench/run_test.py` (stdlib unittest only)."""

import contextlib
import importlib.machinery
import importlib.util
import json
import os
import shutil
import stat
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


def load_runner():
    """bench/run has no .py suffix, so load it by path."""
    path = os.path.join(BENCH_DIR, "run")
    loader = importlib.machinery.SourceFileLoader("bench_run", path)
    spec = importlib.util.spec_from_loader("bench_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


run = load_runner()
SVG_NS = "{http://www.w3.org/2000/svg}"


def make_cell(vm, status=None, wall=None, cpu=None, rss=None, reason=""):
    """A cell as the loop leaves it: samples for passing cells, a reason for
    failed ones."""
    cell = run.Cell(vm)
    if status is not None:
        cell.status, cell.reason = status, reason
    cell.wall_s = list(wall or [])
    cell.cpu_s = list(cpu or cell.wall_s)
    cell.maxrss_kb = list(rss or [1024] * len(cell.wall_s))
    return cell


def make_program(name, times, statuses=None, rss=None):
    """A ProgramResult whose VMs ran in `times[vm]` seconds (three equal reps)."""
    statuses = statuses or {}
    rss = rss or {}
    cells = {}
    for vm in run.VM_KEYS:
        status = statuses.get(vm)
        if status in (run.FAIL, run.TIMEOUT, run.SKIP):
            cells[vm] = make_cell(vm, status, reason=f"{vm} broke" if status != run.SKIP else "")
        else:
            cells[vm] = make_cell(vm, wall=[times[vm]] * 3, rss=[rss.get(vm, 2048)] * 3)
    return run.ProgramResult(name, 10, cells)


def result(stdout=b"", stderr=b"", exit_code=0, timed_out=False, launch_error="", wall=1.0):
    return run.RunResult(wall, wall, 2048, exit_code, timed_out, stdout, stderr, launch_error)


class ParseSizesTest(unittest.TestCase):
    def test_reads_names_and_three_sizes_in_file_order(self):
        sizes = run.parse_sizes("fib 20 34 42\n\n# comment\nack 4 7 9  # trailing\n")
        self.assertEqual(list(sizes.items()), [("fib", (20, 34, 42)), ("ack", (4, 7, 9))])

    def test_rejects_malformed_lines(self):
        for text in ("fib 20 42\n", "fib 20 30 42 7\n", "fib twenty 30 42\n", "fib 1 2 3\nfib 3 4 5\n"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                run.parse_sizes(text)

    def test_the_real_sizes_file_lists_every_program(self):
        with open(os.path.join(BENCH_DIR, "SIZES")) as handle:
            sizes = run.parse_sizes(handle.read())
        self.assertGreaterEqual(len(sizes), 25)
        for name, (small, timed, default) in sizes.items():
            self.assertTrue(os.path.exists(os.path.join(BENCH_DIR, f"{name}.lua")), name)
            self.assertLessEqual(small, timed, name)
            self.assertLessEqual(timed, default, name)

    def test_resolve_size(self):
        self.assertEqual(run.resolve_size("default", (20, 34, 42)), 42)
        self.assertEqual(run.resolve_size("timed", (20, 34, 42)), 34)
        self.assertEqual(run.resolve_size("small", (20, 34, 42)), 20)
        self.assertEqual(run.resolve_size("7", (20, 34, 42)), 7)
        for bad in ("0", "-3", "big"):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                run.resolve_size(bad, (20, 34, 42))

    def test_only_items_may_carry_their_own_size(self):
        sizes = {"ack": (4, 7, 9), "fib": (20, 34, 42), "tak": (2, 10, 100)}
        self.assertEqual(run.select_programs(sizes, "tak=7,fib"), ["fib", "tak"])
        self.assertEqual(run.size_overrides("tak=7,fib"), {"tak": 7})
        with self.assertRaises(ValueError):
            run.size_overrides("tak=0")
        programs = run.plan_programs(["fib", "tak"], sizes, "small", {"tak": 7})
        self.assertEqual([(p.name, p.size) for p in programs], [("fib", 20), ("tak", 7)])

    def test_select_programs_keeps_sizes_order_and_rejects_unknown(self):
        sizes = {"ack": (1, 2, 3), "fib": (1, 2, 3), "tak": (1, 2, 3)}
        self.assertEqual(run.select_programs(sizes, None), ["ack", "fib", "tak"])
        self.assertEqual(run.select_programs(sizes, "tak, ack"), ["ack", "tak"])
        with self.assertRaisesRegex(ValueError, "nosuch"):
            run.select_programs(sizes, "fib,nosuch")


class ArgumentsTest(unittest.TestCase):
    def parse(self, *argv):
        with open(os.devnull, "w") as quiet, contextlib.redirect_stderr(quiet):
            return run.parse_args(list(argv))[0]

    def test_defaults_and_vm_commands(self):
        args = self.parse("--ljit-args=-joff -O1", "--ljit", "/x/ljit")
        self.assertEqual((args.reps, args.timeout, args.size), (3, 120.0, "timed"))
        commands = run.vm_commands(args)
        self.assertEqual(commands["ljit"], ["/x/ljit", "-joff", "-O1"])
        self.assertEqual(commands["luajit-joff"], ["luajit", "-joff"])
        self.assertEqual(commands["lua5.1"], ["lua5.1"])
        self.assertTrue(args.markdown.endswith(os.path.join("bench", "results", "latest.md")))

    def test_rejects_too_few_reps_bad_sizes_and_timeouts(self):
        for argv in (["--reps", "2"], ["--size", "huge"], ["--size", "0"], ["--timeout", "0"]):
            with self.subTest(argv=argv), self.assertRaises(SystemExit):
                self.parse(*argv)


class BuildModeTest(unittest.TestCase):
    def test_warns_about_unoptimized_ljit_only(self):
        self.assertIn("--config=opt", run.build_mode_warning("/o/bazel-out/k8-fastbuild/bin/ljit"))
        self.assertIsNotNone(run.build_mode_warning("/o/bazel-out/k8-dbg/bin/ljit"))
        self.assertIsNone(run.build_mode_warning("/o/bazel-out/k8-opt/bin/ljit"))
        self.assertIsNone(run.build_mode_warning(None))


class NeedsBitTest(unittest.TestCase):
    def test_detects_require_of_bit(self):
        self.assertTrue(run.needs_bit('local bit = bit or require("bit")'))
        self.assertTrue(run.needs_bit("local b = require 'bit'"))
        self.assertFalse(run.needs_bit('local json = require("json")'))
        self.assertFalse(run.needs_bit("-- a required constraint\nlocal x = 1"))

    def test_md5_needs_bit_and_fib_does_not(self):
        with open(os.path.join(BENCH_DIR, "md5.lua")) as md5, \
                open(os.path.join(BENCH_DIR, "fib.lua")) as fib:
            self.assertTrue(run.needs_bit(md5.read()))
            self.assertFalse(run.needs_bit(fib.read()))


class StatisticsTest(unittest.TestCase):
    def test_median(self):
        self.assertEqual(run.median([3.0, 1.0, 2.0]), 2.0)
        self.assertEqual(run.median([4.0, 1.0, 3.0, 2.0]), 2.5)
        self.assertEqual(run.median([5.0]), 5.0)
        with self.assertRaises(ValueError):
            run.median([])

    def test_geomean(self):
        self.assertAlmostEqual(run.geomean([2.0, 8.0]), 4.0)
        self.assertAlmostEqual(run.geomean([0.5, 2.0, 1.0]), 1.0)
        self.assertIsNone(run.geomean([]))
        with self.assertRaises(ValueError):
            run.geomean([1.0, 0.0])

    def test_rotation_puts_each_vm_first_once(self):
        vms = list(run.VM_KEYS)
        firsts = [run.rotated(vms, shift)[0] for shift in range(len(vms))]
        self.assertEqual(sorted(firsts), sorted(vms))
        self.assertEqual(run.rotated(vms, len(vms) + 1), run.rotated(vms, 1))
        self.assertEqual(sorted(run.rotated(vms, 3)), sorted(vms))


class OutputCheckTest(unittest.TestCase):
    def test_first_difference(self):
        self.assertIsNone(run.first_difference(b"a\nb\n", b"a\nb\n"))
        self.assertEqual(run.first_difference(b"a\nb\nc\n", b"a\nX\nc\n"), (2, "b", "X"))
        self.assertEqual(run.first_difference(b"a\nb\n", b"a\n"), (2, "b", ""))
        self.assertEqual(run.first_difference(b"a\nb", b"a"), (2, "b", None))
        self.assertEqual(run.first_difference(b"a", b"a\nextra"), (2, None, "extra"))

    def test_judge_passes_identical_output(self):
        self.assertEqual(run.judge_run(result(b"42\n"), b"42\n", 120), (run.OK, ""))

    def test_judge_reports_mismatch_with_the_line(self):
        status, reason = run.judge_run(result(b"1\n2\n"), b"1\n3\n", 120)
        self.assertEqual(status, run.FAIL)
        self.assertIn("line 2", reason)
        self.assertIn("'3'", reason)
        self.assertIn("'2'", reason)

    def test_judge_reports_exit_status_with_first_stderr_line(self):
        message = b"ljit: running Lua programs is not implemented yet (issue 3)\n"
        status, reason = run.judge_run(result(stderr=message, exit_code=1), b"x\n", 120)
        self.assertEqual(status, run.FAIL)
        self.assertEqual(reason, "exit status 1: ljit: running Lua programs is not implemented yet (issue 3)")

    def test_judge_reports_signal_timeout_launch_error_and_missing_reference(self):
        self.assertEqual(run.judge_run(result(exit_code=-11), b"", 120), (run.FAIL, "killed by signal SIGSEGV"))
        self.assertEqual(run.judge_run(result(timed_out=True, exit_code=-9), b"", 2.5),
                         (run.TIMEOUT, "timed out after 2.5 s"))
        self.assertEqual(run.judge_run(result(launch_error="cannot run x"), b"", 1), (run.FAIL, "cannot run x"))
        status, reason = run.judge_run(result(b"1\n"), None, 120)
        self.assertEqual(status, run.FAIL)
        self.assertIn("no reference", reason)
        runaway = result(b"x")
        runaway.stdout_overflow = True
        self.assertEqual(run.judge_run(runaway, b"x", 120), (run.FAIL, "stdout larger than 64 MiB"))

    def test_first_failure_sticks_and_adds_no_sample(self):
        cell = run.Cell("ljit")
        run.record_run(cell, result(b"ok\n", wall=1.5), b"ok\n", 120)
        self.assertEqual(cell.wall_s, [1.5])
        run.record_run(cell, result(b"bad\n", wall=9.0), b"ok\n", 120)
        self.assertEqual(cell.status, run.FAIL)
        self.assertEqual(cell.wall_s, [1.5])
        self.assertIsNone(cell.median_wall())


class RatioTest(unittest.TestCase):
    def setUp(self):
        times = {"ljit": 4.0, "luajit-joff": 2.0, "luajit": 1.0, "lua5.1": 8.0}
        self.programs = [
            make_program("a", times, rss={"ljit": 4096, "luajit": 2048}),
            make_program("b", {**times, "ljit": 1.0}, rss={"ljit": 2048, "luajit": 2048}),
            make_program("c", times, {"ljit": run.FAIL, "lua5.1": run.SKIP}),
        ]

    def test_ratio_needs_both_cells_passed(self):
        a, _, c = self.programs
        self.assertAlmostEqual(run.ratio_of(a, "ljit", "luajit", "wall"), 4.0)
        self.assertIsNone(run.ratio_of(c, "ljit", "luajit", "wall"))
        self.assertIsNone(run.ratio_of(c, "lua5.1", "luajit", "wall"))
        self.assertAlmostEqual(run.ratio_of(c, "luajit-joff", "luajit", "wall"), 2.0)

    def test_geomeans_count_only_programs_where_both_passed(self):
        summary = run.ratio_summary(self.programs, run.TIME_RATIOS, "wall")
        mean, count = summary[("ljit", "luajit")]
        self.assertAlmostEqual(mean, 2.0)  # sqrt(4 * 1)
        self.assertEqual(count, 2)
        self.assertEqual(summary[("luajit-joff", "luajit")][1], 3)
        mean, count = summary[("lua5.1", "luajit")]
        self.assertAlmostEqual(mean, 8.0)
        self.assertEqual(count, 2)

    def test_memory_ratio_uses_peak_rss(self):
        mean, count = run.ratio_summary(self.programs, run.MEMORY_RATIOS, "rss")[("ljit", "luajit")]
        self.assertAlmostEqual(mean, 2 ** 0.5)
        self.assertEqual(count, 2)

    def test_time_table_marks_failed_and_skipped_cells(self):
        header, rows = run.time_table(self.programs, run.VM_KEYS, "wall")
        self.assertEqual(header[:6], ["program", "N", "ljit", "luajit -joff", "luajit", "lua5.1"])
        self.assertIn("ljit/luajit", header)
        row_c = rows[2]
        self.assertEqual(row_c[2], "FAIL")
        self.assertEqual(row_c[5], "—")
        self.assertEqual(row_c[header.index("ljit/luajit")], "—")
        means = rows[-1]
        self.assertEqual(means[0], "geomean")
        self.assertEqual(means[header.index("ljit/luajit")], "2.00 (n=2)")
        self.assertEqual(means[header.index("lua5.1/luajit")], "8.00 (n=2)")

    def test_memory_table(self):
        header, rows = run.memory_table(self.programs, run.VM_KEYS)
        self.assertEqual(rows[0][header.index("ljit MB")], "4.0")
        self.assertEqual(rows[0][header.index("ljit/luajit")], "2.00")
        self.assertEqual(rows[-1][header.index("ljit/luajit")], "1.41 (n=2)")

    def test_text_and_markdown_tables_line_up(self):
        header, rows = run.time_table(self.programs, run.VM_KEYS, "wall")
        text = run.render_text_table(header, rows).splitlines()
        self.assertEqual(len(text), len(rows) + 3)  # header, two rules
        rule = text[1]
        ends = [i for i, ch in enumerate(rule) if ch == "-" and (i + 1 == len(rule) or rule[i + 1] == " ")]
        self.assertEqual(len(ends), len(header))
        # Every cell after the first ends exactly at its column's end.
        for line, cells in zip([text[0]] + text[2:-2] + [text[-1]], [header] + rows):
            for end, cell in list(zip(ends, cells))[1:]:
                self.assertEqual(line[end - len(cell) + 1:end + 1], cell, line)
            self.assertTrue(line.startswith(cells[0]))
        markdown = run.render_markdown_table(header, rows).splitlines()
        self.assertEqual(len({line.count("|") for line in markdown}), 1)
        self.assertTrue(markdown[1].startswith("| --- | ---:"))
        self.assertIn("**geomean**", markdown[-1])

    def test_failures_are_grouped_and_listed(self):
        programs = [make_program(n, {vm: 1.0 for vm in run.VM_KEYS}, {"ljit": run.FAIL}) for n in "xyz"]
        groups = run.failure_groups(programs, run.VM_KEYS)
        self.assertEqual(len(groups), 1)
        vm, status, reason, names = groups[0]
        self.assertEqual((vm, status, reason), ("ljit", run.FAIL, "ljit broke"))
        self.assertEqual(names, ["x (N=10)", "y (N=10)", "z (N=10)"])
        report = run.render_report(programs, run.VM_KEYS, {"date": "today"}, markdown=True)
        self.assertIn("**ljit** FAIL on 3 program(s): ljit broke", report)
        self.assertIn("— (n=0)", report)

    def test_skipped_cells_are_listed_as_not_run(self):
        groups = run.failure_groups(self.programs, run.VM_KEYS)
        self.assertEqual([(g[0], g[1], g[3]) for g in groups],
                         [("ljit", run.FAIL, ["c (N=10)"]), ("lua5.1", run.SKIP, ["c (N=10)"])])
        text = run.render_failures(groups, markdown=False)
        self.assertIn("lua5.1: not run on 1 program(s)", text)

    def test_json_is_serialisable_and_holds_geomeans(self):
        data = json.loads(json.dumps(run.results_json(self.programs, run.VM_KEYS, {"date": "d"})))
        self.assertEqual(data["geomeans"]["wall:ljit/luajit"], {"geomean": 2.0, "programs": 2})
        cell = data["programs"][2]["cells"]["ljit"]
        self.assertEqual((cell["status"], cell["median_wall_s"]), ("FAIL", None))
        self.assertEqual(data["programs"][0]["cells"]["lua5.1"]["wall_s"], [8.0, 8.0, 8.0])


class SvgTest(unittest.TestCase):
    def setUp(self):
        times = {"ljit": 4.0, "luajit-joff": 2.0, "luajit": 1.0, "lua5.1": 0.5}
        self.programs = [
            make_program("fast<&>", times),
            make_program("broken", times, {"ljit": run.TIMEOUT, "lua5.1": run.SKIP}),
        ]
        self.root = ElementTree.fromstring(run.render_svg(self.programs, "title & more"))

    def bars(self):
        return [r for r in self.root.iter(f"{SVG_NS}rect") if r.get("class") == "bar"]

    def test_is_well_formed_with_one_bar_per_ratio_plus_geomeans(self):
        # 3 bars for the first program, 1 for the second, 3 geomean bars.
        self.assertEqual(len(self.bars()), 7)
        labels = [t.text for t in self.root.iter(f"{SVG_NS}text")]
        self.assertIn("fast<&>", labels)
        self.assertIn("geomean", labels)
        self.assertIn("title & more", labels)

    def test_bars_grow_from_the_one_line_on_a_log_scale(self):
        bars = {(b.get("data-program"), b.get("data-vm")): b for b in self.bars()}
        slow = bars[("fast<&>", "ljit")]  # 4x: two doublings above 1x
        twice = bars[("fast<&>", "luajit-joff")]  # 2x: one doubling
        half = bars[("fast<&>", "lua5.1")]  # 0.5x: one doubling below
        self.assertAlmostEqual(float(slow.get("height")), 2 * float(twice.get("height")), delta=0.2)
        base = float(twice.get("y")) + float(twice.get("height"))
        self.assertAlmostEqual(float(half.get("y")), base, delta=0.1)
        self.assertAlmostEqual(float(half.get("height")), float(twice.get("height")), delta=0.2)

    def test_missing_bars_are_labelled(self):
        missing = [t.text for t in self.root.iter(f"{SVG_NS}text") if t.get("class") == "missing"]
        self.assertEqual(sorted(missing), ["ljit TIMEOUT", "lua5.1 —"])

    def test_log2_range_covers_values_and_one(self):
        self.assertEqual(run.log2_range([]), (-1, 1))
        self.assertEqual(run.log2_range([3.0, 0.3]), (-2, 2))


def write_script(directory, name, body):
    path = os.path.join(directory, name)
    with open(path, "w") as handle:
        handle.write("#!/bin/sh\n" + body)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


class ProcessTest(unittest.TestCase):
    """Real processes: fake VMs written as shell scripts."""

    @classmethod
    def setUpClass(cls):
        cls.via_shell = run.become_subreaper()
        cls.temp = tempfile.TemporaryDirectory()
        cls.dir = cls.temp.name

    @classmethod
    def tearDownClass(cls):
        cls.temp.cleanup()

    def test_captures_output_and_exit_code(self):
        vm = write_script(self.dir, "echoer", 'echo "out $*"; echo "err line" >&2; exit 3\n')
        outcome = run.run_once([vm, "a", "b"], self.dir, 10, self.via_shell)
        self.assertEqual(outcome.stdout, b"out a b\n")
        self.assertEqual(outcome.stderr, b"err line\n")
        self.assertEqual(outcome.exit_code, 3)
        self.assertFalse(outcome.timed_out)
        self.assertGreater(outcome.wall_s, 0)

    def test_timeout_kills_the_run(self):
        vm = write_script(self.dir, "sleeper", "sleep 30\n")
        outcome = run.run_once([vm], self.dir, 0.3, self.via_shell)
        self.assertTrue(outcome.timed_out)
        self.assertLess(outcome.wall_s, 10)
        self.assertEqual(run.judge_run(outcome, b"", 0.3)[0], run.TIMEOUT)

    def test_missing_binary_is_a_clean_failure(self):
        outcome = run.run_once([os.path.join(self.dir, "no-such-vm")], self.dir, 10, self.via_shell)
        status, reason = run.judge_run(outcome, b"", 10)
        self.assertEqual(status, run.FAIL)
        self.assertIn("not found", reason)

    def test_peak_rss_is_the_vm_not_the_runner(self):
        if not self.via_shell:
            self.skipTest("PR_SET_CHILD_SUBREAPER unavailable: RSS includes the runner's")
        small = run.run_once(["true"], self.dir, 10, True)
        self.assertLess(small.maxrss_kb, 8 * 1024)  # python itself is ~20 MB
        # 64 MiB held in one shell variable.
        big = write_script(self.dir, "big", "x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo ${#x}\n")
        outcome = run.run_once([big], self.dir, 30, True)
        self.assertEqual(outcome.exit_code, 0)
        self.assertGreater(outcome.maxrss_kb, 60 * 1024)

    def test_cpu_time_is_measured(self):
        busy = write_script(self.dir, "busy", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done\n")
        outcome = run.run_once([busy], self.dir, 30, self.via_shell)
        self.assertGreater(outcome.cpu_s, 0.05)
        self.assertGreaterEqual(outcome.wall_s, outcome.cpu_s * 0.5)

    def test_measure_interleaves_checks_and_stops_rerunning_failures(self):
        log = os.path.join(self.dir, "calls")
        good = write_script(self.dir, "good", f'echo "$0" >> {log}; echo "checksum $2"\n')
        wrong = write_script(self.dir, "wrong", f'echo "$0" >> {log}; echo "checksum 0"\n')
        broken = write_script(self.dir, "broken", f'echo "$0" >> {log}; echo "not yet" >&2; exit 1\n')
        commands = {"ljit": [broken], "luajit-joff": [good], "luajit": [good], "lua5.1": [wrong]}
        programs = [run.ProgramResult("p", 7, {vm: run.Cell(vm) for vm in run.VM_KEYS}),
                    run.ProgramResult("q", 8, {vm: run.Cell(vm) for vm in run.VM_KEYS})]
        programs[1].cells["lua5.1"].status = run.SKIP
        lines = []
        run.measure(programs, commands, 3, 10, self.via_shell, lines.append)
        p, q = programs
        self.assertEqual(len(lines), 6)
        self.assertEqual(p.reference, b"checksum 7\n")
        self.assertEqual((p.cells["ljit"].status, p.cells["ljit"].reason), (run.FAIL, "exit status 1: not yet"))
        self.assertEqual(p.cells["lua5.1"].status, run.FAIL)
        self.assertIn("line 1", p.cells["lua5.1"].reason)
        self.assertEqual(len(p.cells["luajit-joff"].wall_s), 3)
        self.assertEqual(len(q.cells["luajit"].wall_s), 3)
        self.assertEqual(q.cells["lua5.1"].status, run.SKIP)
        with open(log) as handle:
            calls = [os.path.basename(line.strip()) for line in handle]
        # Failed cells ran once; passing cells once per rep; skipped never.
        self.assertEqual(calls.count("broken"), 2)
        self.assertEqual(calls.count("wrong"), 1)
        self.assertEqual(calls.count("good"), 2 * 2 * 3)


@unittest.skipUnless(shutil.which("luajit") and shutil.which("lua5.1"), "needs luajit and lua5.1")
class EndToEndTest(unittest.TestCase):
    """The whole runner on two real programs at tiny sizes, with an ljit
    that refuses to run programs (as the project's does before issue 3)."""

    def test_reports_ljit_failures_and_measures_the_others(self):
        with tempfile.TemporaryDirectory() as temp:
            ljit = write_script(temp, "ljit", 'echo "ljit: not implemented" >&2; exit 1\n')
            files = {kind: os.path.join(temp, f"out.{kind}") for kind in ("md", "json", "svg")}
            argv = ["--only", "md5,fib", "--size", "3", "--ljit", ljit, "--markdown", files["md"],
                    "--json", files["json"], "--svg", files["svg"]]
            with open(os.devnull, "w") as quiet, \
                    contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
                self.assertEqual(run.main(argv), 0)
            with open(files["json"]) as handle:
                data = json.load(handle)
            with open(files["md"]) as handle:
                markdown = handle.read()
            ElementTree.parse(files["svg"])
        cells = {p["name"]: p["cells"] for p in data["programs"]}
        self.assertEqual(list(cells), ["fib", "md5"])
        self.assertEqual(cells["fib"]["ljit"]["status"], "FAIL")
        self.assertEqual(cells["fib"]["ljit"]["reason"], "exit status 1: ljit: not implemented")
        self.assertEqual(cells["md5"]["lua5.1"]["status"], "SKIP")
        for vm in ("luajit", "luajit-joff"):
            self.assertEqual(len(cells["md5"][vm]["wall_s"]), 3)
        self.assertEqual(data["geomeans"]["wall:luajit-joff/luajit"]["programs"], 2)
        self.assertEqual(data["geomeans"]["wall:lua5.1/luajit"]["programs"], 1)
        self.assertEqual(data["facts"]["reps"], 3)
        self.assertIn("**ljit** FAIL on 2 program(s): exit status 1: ljit: not implemented", markdown)


if __name__ == "__main__":
    unittest.main(verbosity=1)
