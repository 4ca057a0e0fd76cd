using static TorchSharp.torch;

namespace SubnetNotebooks.Training;

/// <summary>
/// A model whose training loss is not the cross-entropy of forward(images) against the labels, e.g. MIMO (each head
/// sees other examples) or Packed-Ensembles (a loss per member). <see cref="Trainer.Fit"/> calls it instead of
/// computing cross-entropy itself.
/// </summary>
public interface ITrainingObjective
{
    /// <summary>One training step's loss and the logits its training accuracy is measured on.</summary>
    /// <param name="images">[B, C, H, W] normalised training batch</param>
    /// <param name="labels">[B] int64 class indices</param>
    /// <param name="labelSmoothing">label smoothing of every cross-entropy term</param>
    /// <returns>Loss: scalar to minimise; Logits: [B, classes] aligned with <paramref name="labels"/></returns>
    (Tensor Loss, Tensor Logits) TrainingLoss(Tensor images, Tensor labels, double labelSmoothing);

    /// <summary>Backward runs on Loss times this (e.g. M when Loss is the mean of M member losses whose sum is minimised); progress reports Loss.</summary>
    double ObjectiveScale => 1;
}
