# Stand-ins for the Vivado / Vitis HLS Tcl commands our generated scripts call, so that tclsh
# catches typos (unknown commands), undefined variables and wrong argument shapes without the
# tools. Each stub checks its flags and positional-argument count, then logs the call.
set ::stub_log [open $::env(STUB_LOG) w]

proc _log {args} { puts $::stub_log [join $args " "] }

# flags: dict of flag -> number of values it takes; npos: allowed counts of positional args
proc _check {cmd flags npos argv} {
    set pos {}
    for {set i 0} {$i < [llength $argv]} {incr i} {
        set a [lindex $argv $i]
        if {[string index $a 0] eq "-" && ![string is double -strict $a]} {
            if {![dict exists $flags $a]} { error "$cmd: unknown option $a (known: [dict keys $flags])" }
            incr i [dict get $flags $a]
            if {$i >= [llength $argv]} { error "$cmd: option $a needs a value" }
        } else {
            lappend pos $a
        }
    }
    if {[lsearch -exact $npos [llength $pos]] < 0} { error "$cmd: [llength $pos] positional arguments, expected $npos: $argv" }
    _log $cmd {*}$argv
    return $pos
}

# ret "@" returns the (first) positional argument, so getters pass object names through to the log
proc _def {name flags npos {ret ""}} {
    if {$ret eq "@"} {
        proc $name {args} [format {return [lindex [_check %s {%s} {%s} $args] 0]} $name $flags $npos]
    } else {
        proc $name {args} [format {_check %s {%s} {%s} $args; return %s} $name $flags $npos [list $ret]]
    }
}

# ---- Vivado ----
_def create_project {-part 1 -force 0} {2}
_def set_property {-dict 1} {1 3}
_def current_project {} {0} proj
_def update_ip_catalog {} {0}
_def create_bd_design {} {1}
_def create_bd_cell {-type 1 -vlnv 1} {1}
_def apply_bd_automation {-rule 1 -config 1} {1}
_def get_bd_cells {} {1} @
_def get_bd_intf_pins {} {1} @
_def get_bd_pins {} {1} @
_def connect_bd_intf_net {} {2}
_def assign_bd_address {} {0}
_def validate_bd_design {} {0}
_def save_bd_design {} {0}
_def make_wrapper {-files 1 -top 0} {0} wrapper.v
_def get_files {} {1} files
_def add_files {-norecurse 0 -cflags 1 -tb 0} {1}
_def current_fileset {} {0} sources_1
_def launch_runs {-to_step 1 -jobs 1} {1}
_def wait_on_run {} {1}
_def get_runs {} {1} impl_1
_def open_run {} {1}
_def report_utilization {-file 1 -hierarchical 0} {0}
_def report_timing_summary {-file 1} {0}
proc get_property {args} {
    _check get_property {} {2} $args
    if {[lindex $args 0] eq "PROGRESS"} { return "100%" }
    return ok
}
# ---- Vitis HLS ----
_def open_project {-reset 0} {1}
_def set_top {} {1}
_def open_solution {-reset 0 -flow_target 1} {1}
_def set_part {} {1}
_def create_clock {-period 1 -name 1} {0}
_def config_compile {-name_max_length 1 -pipeline_style 1} {0}
_def config_dataflow {-default_channel 1 -fifo_depth 1 -strict_mode 1} {0}
_def csim_design {-argv 1 -clean 0 -ldflags 1} {0}
_def csynth_design {} {0}
_def export_design {-format 1 -output 1 -rtl 1 -vendor 1 -ipname 1 -version 1 -description 1 -display_name 1} {0}
_def cosim_design {-rtl 1 -trace_level 1} {0}
proc exit {args} { _log exit; close $::stub_log; set ::exited 1; return -code return }

# glob/file copy look at build products that only the tools create
rename glob _real_glob
proc glob {args} { _log glob {*}$args; return [list [lindex $args end]] }
rename file _real_file
proc file {sub args} {
    if {$sub eq "copy"} { _log file copy {*}$args; return }
    return [_real_file $sub {*}$args]
}
