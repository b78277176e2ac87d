using System.Runtime.InteropServices;

namespace Research.Framework.Distributed;

/// <summary>
/// The few MPI calls the <see cref="MpiCommunicator"/> makes, bound directly to Open MPI's C library (libmpi.so.40, the
/// Debian package libopenmpi3 that openmpi-bin and libopenmpi-dev pull in). Open MPI's handles (MPI_COMM_WORLD,
/// MPI_FLOAT, MPI_SUM, ...) are the addresses of exported globals (<c>ompi_mpi_comm_world</c>, ...), read with
/// <see cref="NativeLibrary.GetExport"/>. The library is opened with RTLD_GLOBAL first, as mpi4py does, because Open MPI's
/// plugins, which it opens itself, resolve their symbols against it.
/// </summary>
static class MpiNative
{
    /// <summary>Open MPI's soname since 2.x (4.1 on Debian 12).</summary>
    public const string Library = "libmpi.so.40";

    /// <summary>The Debian packages that install it.</summary>
    public const string DebianPackages = "openmpi-bin libopenmpi-dev";

    const int RtldNow = 2, RtldGlobal = 0x100;

    /// <summary>MPI_THREAD_SERIALIZED: any thread may call, one at a time (the trainer's thread does).</summary>
    public const int ThreadSerialized = 2;

    /// <summary>Open MPI's MPI_IN_PLACE, <c>(void *) 1</c>.</summary>
    public static readonly IntPtr InPlace = 1;

    /// <summary>Opens libmpi with RTLD_GLOBAL; the handle, or <see cref="IntPtr.Zero"/> with dlerror's text when it cannot be loaded.</summary>
    public static IntPtr Open(out string? error)
    {
        var handle = dlopen(Library, RtldNow | RtldGlobal);
        error = handle == IntPtr.Zero ? Marshal.PtrToStringUTF8(dlerror()) : null;
        return handle;
    }

    [DllImport("libc.so.6")]
    static extern IntPtr dlopen(string file, int mode);

    [DllImport("libc.so.6")]
    static extern IntPtr dlerror();

    [DllImport(Library)]
    public static extern int MPI_Initialized(out int flag);

    [DllImport(Library)]
    public static extern int MPI_Finalized(out int flag);

    [DllImport(Library)]
    public static extern int MPI_Init_thread(IntPtr argc, IntPtr argv, int required, out int provided);

    [DllImport(Library)]
    public static extern int MPI_Comm_rank(IntPtr comm, out int rank);

    [DllImport(Library)]
    public static extern int MPI_Comm_size(IntPtr comm, out int size);

    [DllImport(Library)]
    public static extern int MPI_Iallreduce(IntPtr sendBuffer, IntPtr receiveBuffer, int count, IntPtr datatype, IntPtr operation, IntPtr comm, out IntPtr request);

    [DllImport(Library)]
    public static extern int MPI_Ibcast(IntPtr buffer, int count, IntPtr datatype, int root, IntPtr comm, out IntPtr request);

    [DllImport(Library)]
    public static extern int MPI_Ibarrier(IntPtr comm, out IntPtr request);

    /// <summary>Status is MPI_STATUS_IGNORE, a null pointer in Open MPI.</summary>
    [DllImport(Library)]
    public static extern int MPI_Test(ref IntPtr request, out int flag, IntPtr status);

    [DllImport(Library)]
    public static extern int MPI_Abort(IntPtr comm, int errorCode);

    [DllImport(Library)]
    public static extern int MPI_Finalize();

    /// <summary>The address of a tensor's first element (libtorch's data_ptr, through TorchSharp's own native library).</summary>
    [DllImport("LibTorchSharp")]
    public static extern IntPtr THSTensor_data(IntPtr tensor);
}
