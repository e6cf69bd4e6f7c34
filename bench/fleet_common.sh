# fleet_common.sh - what the fleet benchmarks share (sourced).
#   depot_sites   prints a sites CSV of 300 depots ("Depot 0" ...), every tier in
#                 turn, in 7 departments; a third of them (every third: i % 3 = 0)
#                 are the ones the benchmarks give a vehicle rule
depot_sites() {
    echo "name,department,tier,networks"
    _i=0
    while [ "$_i" -lt 300 ]; do
        case $((_i % 3)) in 0) _t=sensitive ;; 1) _t=official ;; *) _t=public ;; esac
        echo "Depot $_i,Fleet Department $((_i % 7)),$_t,"
        _i=$((_i + 1))
    done
}
