window.YTD.direct_messages.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1111-2222",
      "messages" : [
        {
          "messageCreate" : {
            "recipientId" : "1111",
            "reactions" : [
              {
                "senderId" : "1111",
                "reactionKey" : "like",
                "eventId" : "1798000000000000100",
                "createdAt" : "2024-06-02T10:05:00.000Z"
              }
            ],
            "urls" : [
              {
                "url" : "https://t.co/AbCd1234",
                "expanded" : "https://example.org/menu?day=sunday",
                "display" : "example.org/menu?day=sunday"
              },
              {
                "url" : "https://t.co/EfGh5678",
                "expanded" : "https://maps.example.com/place/porto",
                "display" : "maps.example.com/place/porto"
              }
            ],
            "text" : "fish &amp; chips &lt;3 &quot;ok&quot; it&#39;s fine https://t.co/AbCd1234 https://t.co/EfGh5678",
            "mediaUrls" : [ ],
            "senderId" : "2222",
            "id" : "1798000000000000004",
            "createdAt" : "2024-06-02T10:04:10.512Z",
            "editHistory" : [ ]
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "2222",
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "video too https://t.co/Vid00001",
            "mediaUrls" : [
              "https://video.twimg.com/dm_video/1798000000000000088/vid/1280x720/Qw3rTy.mp4?tag=1"
            ],
            "senderId" : "1111",
            "id" : "1798000000000000003",
            "createdAt" : "2024-06-02T10:03:00.000Z",
            "editHistory" : [ ]
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "2222",
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "look https://t.co/Img00001",
            "mediaUrls" : [
              "https://ton.twitter.com/dm/1798000000000000002/1798000000000000077/AbCdEf12.jpg"
            ],
            "senderId" : "1111",
            "id" : "1798000000000000002",
            "createdAt" : "2024-06-02T10:02:30.000Z",
            "editHistory" : [ ]
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "1111",
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "café? 😀\nat 5",
            "mediaUrls" : [ ],
            "senderId" : "2222",
            "id" : "1798000000000000001",
            "createdAt" : "2024-06-02T10:01:00.000Z",
            "editHistory" : [ "1797999999999999999" ]
          }
        }
      ]
    }
  }
]
