using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys.Commands;

// Invoke-PplxRotation's parameters as the core's request: what to do, how long to wait, and the callbacks that bring the hand-off and the wait's progress to the pipeline thread.
public sealed partial class InvokePplxRotationCommand
{
    private RotationRequest Request(PipelineDispatcher dispatcher, TimeSpan cacheWindow, Uri baseUri, RotationItem item) =>
        new()
        {
            SecretName = item.SecretName,
            Intent = Abort ? RotationIntent.Abort : Stage switch
            {
                RotationStage.Prepare => RotationIntent.Prepare,
                RotationStage.Finish => RotationIntent.Finish,
                _ => RotationIntent.Rotate,
            },
            PropagationDelay = MyInvocation.BoundParameters.ContainsKey(nameof(PropagationDelay)) ? PropagationDelay : cacheWindow,
            AuthorizingKey = _master,
            Probe = Probe,
            Model = Model,
            MaxAge = MaxAge,
            SkipUnknownAge = SkipUnknownAge,
            OnNewToken = OnNewToken is null ? null : (key, info, _) => dispatcher.InvokeAsync(() => HandOff(key, info, baseUri)),
            OnPropagationWait = until => dispatcher.Post(() => Progress.Wait($"{item.Target}: waiting for consumers to pick up the new key", until)),
        };
}
