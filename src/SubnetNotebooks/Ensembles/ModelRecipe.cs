using SubnetNotebooks.Models;

namespace SubnetNotebooks.Ensembles;

/// <summary>Builds a freshly initialised model: the seed fixes the initial weights, dropout is the rate of its dropout layers.</summary>
public delegate PrunableModel ModelRecipe(long seed, double dropout);
