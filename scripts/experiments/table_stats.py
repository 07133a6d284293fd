"""Shared by the experiment table makers: mean and std of a list of results, as the tables print them."""
import statistics


def mean_std(values, decimals=4):
    """'m ± s' over the values (one value: itself), four decimals unless given."""
    if len(values) == 1:
        return f"{values[0]:.{decimals}f}"
    return f"{statistics.mean(values):.{decimals}f} ± {statistics.stdev(values):.{decimals}f}"


def mean_std_count(values):
    """mean_std with the number of values in brackets; '-' for none."""
    return f"{mean_std(values)} ({len(values)})" if values else "-"
