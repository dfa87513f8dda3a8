namespace Swarm.Inference.Tests.Speculative;

/// <summary>Pearson's chi-square goodness-of-fit test.</summary>
internal static class Statistics
{
    /// <summary>Upper regularized gamma Q(a, x), exposed for its own test.</summary>
    public static double Q(double a, double x) => UpperRegularizedGamma(a, x);

    /// <summary>p-value of observed counts against expected probabilities; categories with an expected count below 5
    /// are pooled into one bin.</summary>
    public static double ChiSquarePValue(int[] observed, float[] expected)
    {
        var n = observed.Sum();
        double chi = 0;
        var bins = 0;
        double pooledObserved = 0, pooledExpected = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            var e = expected[i] * (double)n;
            if (e < 5)
            {
                pooledObserved += observed[i];
                pooledExpected += e;
                continue;
            }

            chi += (observed[i] - e) * (observed[i] - e) / e;
            bins++;
        }

        if (pooledExpected >= 5)
        {
            chi += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
            bins++;
        }
        else if (pooledObserved > 20)
        {
            return 0; // many draws where the target puts (almost) no mass
        }

        return UpperRegularizedGamma((bins - 1) / 2.0, chi / 2);
    }

    // Q(a, x) by series / continued fraction (Numerical Recipes' gammq form).
    private static double UpperRegularizedGamma(double a, double x)
    {
        if (x <= 0)
        {
            return 1;
        }

        var gln = LogGamma(a);
        if (x < a + 1)
        {
            double sum = 1 / a, del = sum, ap = a;
            for (var i = 0; i < 1000; i++)
            {
                ap++;
                del *= x / ap;
                sum += del;
                if (Math.Abs(del) < Math.Abs(sum) * 1e-15)
                {
                    break;
                }
            }

            return 1 - (sum * Math.Exp(-x + (a * Math.Log(x)) - gln));
        }

        double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < 1e-300 ? 1e-300 : d;
            c = b + (an / c);
            c = Math.Abs(c) < 1e-300 ? 1e-300 : c;
            d = 1 / d;
            var del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < 1e-15)
            {
                break;
            }
        }

        return Math.Exp(-x + (a * Math.Log(x)) - gln) * h;
    }

    private static double LogGamma(double x)
    {
        double[] c = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
        double y = x, tmp = x + 5.5;
        tmp -= (x + 0.5) * Math.Log(tmp);
        var ser = 1.000000000190015;
        foreach (var v in c)
        {
            ser += v / ++y;
        }

        return -tmp + Math.Log(2.5066282746310005 * ser / x);
    }
}
