window.YTD.direct_messages.part1 = [
  {
    "dmConversation" : {
      "conversationId" : "1111-2222",
      "messages" : [
        {
          "messageCreate" : {
            "recipientId" : "1111",
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "first hello",
            "mediaUrls" : [ ],
            "senderId" : "2222",
            "id" : "1798000000000000021",
            "createdAt" : "2024-05-30T07:00:00.000Z",
            "editHistory" : [ ]
          }
        }
      ]
    }
  },
  {
    "dmConversation" : {
      "conversationId" : "205-1111",
      "messages" : [
        {
          "messageCreate" : {
            "recipientId" : "1111",
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "from 2010",
            "mediaUrls" : [ ],
            "senderId" : "205",
            "id" : "1234567890",
            "createdAt" : "2010-07-01T12:00:00.000Z"
          }
        }
      ]
    }
  }
]
