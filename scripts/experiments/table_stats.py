"""Shared by the experiment table makers: mean and std of a list of results, as the tables print them."""
import statistics


def mean_std(values):
    """'m ± s' over the values (one value: itself), four decimals."""
    if len(values) == 1:
        return f"{values[0]:.4f}"
    return f"{statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}"


def mean_std_count(values):
    """mean_std with the number of values in brackets; '-' for none."""
    return f"{mean_std(values)} ({len(values)})" if values else "-"
