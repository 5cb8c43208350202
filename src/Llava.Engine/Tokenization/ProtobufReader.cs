using System.Buffers.Binary;
using System.Text;

namespace Llava.Engine.Tokenization;

/// <summary>
/// Minimal reader for the protobuf wire format: enough to walk <c>tokenizer.model</c> without a
/// generated-code dependency. Unknown fields are skipped by the caller through <see cref="SkipField"/>.
/// </summary>
internal ref struct ProtobufReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field key; returns the field number and sets the wire type.</summary>
    public int ReadFieldKey(out ProtobufWireType wireType)
    {
        var key = ReadVarint();
        wireType = (ProtobufWireType)(key & 0x7);
        return checked((int)(key >> 3));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
                throw Truncated();
            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw new InvalidDataException("Malformed protobuf varint.");
    }

    public bool ReadBool() => ReadVarint() != 0;

    /// <summary>Reads an int32 field, which protobuf stores sign-extended to 64 bits when negative.</summary>
    public int ReadInt32() => unchecked((int)ReadVarint());

    public float ReadFloat()
    {
        var raw = Take(4);
        return BinaryPrimitives.ReadSingleLittleEndian(raw);
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = checked((int)ReadVarint());
        return Take(length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadLengthDelimited());

    public void SkipField(ProtobufWireType wireType)
    {
        switch (wireType)
        {
            case ProtobufWireType.Varint:
                ReadVarint();
                break;
            case ProtobufWireType.Fixed64:
                Take(8);
                break;
            case ProtobufWireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case ProtobufWireType.Fixed32:
                Take(4);
                break;
            default:
                throw new InvalidDataException($"Unsupported protobuf wire type {(int)wireType}.");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _data.Length)
            throw Truncated();
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    private static InvalidDataException Truncated() => new("Truncated protobuf message.");
}

internal enum ProtobufWireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}
