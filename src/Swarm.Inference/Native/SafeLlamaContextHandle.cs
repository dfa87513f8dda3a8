using System.Runtime.InteropServices;

namespace Swarm.Inference.Native;

/// <summary>Owns a native <c>llama_context*</c>; freed with <c>llama_free</c>. Keeps its model alive until then.</summary>
internal sealed class SafeLlamaContextHandle : SafeHandle
{
    private SafeLlamaModelHandle? model;

    public SafeLlamaContextHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes a reference on the model so that it outlives this context.</summary>
    public void AttachModel(SafeLlamaModelHandle modelHandle)
    {
        var added = false;
        modelHandle.DangerousAddRef(ref added);
        model = modelHandle;
    }

    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_free(handle);
        model?.DangerousRelease();
        model = null;
        return true;
    }
}
