using SubnetNotebooks.Data;

namespace SubnetNotebooks.Tests.Data;

public class ImageDecoderTests
{
    [Fact]
    public void DecodesPngToChannelsFirst()
    {
        // 2 wide, 1 high: a red pixel then a blue one.
        var png = DatasetFiles.Png(2, 1, [255, 0, 0, 0, 0, 255]);
        using var image = ImageDecoder.DecodeSquare(png, "a.png", 1);
        // Shorter side 1 -> keep the centre 1x1 of the 1x2 image, i.e. the left pixel (offset (2-1)/2 = 0).
        Assert.Equal(new long[] { 3, 1, 1 }, image.shape);
        Assert.Equal(new byte[] { 255, 0, 0 }, image.data<byte>().ToArray());
    }

    [Fact]
    public void ResizesAndCropsToTheSquareCentre()
    {
        // 6 wide, 2 high: columns 0-1 black, 2-3 white, 4-5 black. Shorter side 2 stays 2; centre 2x2 = the white columns.
        var rgb = new byte[2 * 6 * 3];
        for (int y = 0; y < 2; y++) for (int x = 2; x < 4; x++) for (int c = 0; c < 3; c++) rgb[(y * 6 + x) * 3 + c] = 255;
        using var image = ImageDecoder.DecodeSquare(DatasetFiles.Png(6, 2, rgb), "b.png", 2);
        Assert.All(image.data<byte>().ToArray(), v => Assert.Equal(255, v));

        // A solid colour stays that colour at any size (bilinear of a constant is the constant).
        using var solid = ImageDecoder.DecodeSquare(DatasetFiles.SolidPng(10, 7, 10, 200, 30), "c.png", 4);
        Assert.Equal(new long[] { 3, 4, 4 }, solid.shape);
        Assert.Equal(Enumerable.Repeat((byte)10, 16).Concat(Enumerable.Repeat((byte)200, 16)).Concat(Enumerable.Repeat((byte)30, 16)),
            solid.data<byte>().ToArray());
    }

    [Fact]
    public void UnreadableImageNamesTheFile()
    {
        var e = Assert.Throws<DatasetFormatException>(() => ImageDecoder.DecodeSquare([1, 2, 3, 4, 5], "images/broken.jpg", 8));
        Assert.Contains("images/broken.jpg", e.Message);
        Assert.Contains("5 bytes", e.Message);
        Assert.Equal(DatasetDocs.UnreadableImage, e.Anchor);
    }
}
